module secunion

go 1.26
