package mrz

import (
	"time"

	"secunion/names"
)

// Date is a date of a machine-readable zone, where parts may be unknown:
// a zero Month means the month and day are unknown, a zero Day the day, and
// a zero Year the whole date. It is the partial date of package names,
// written "YYYY-MM-DD", "YYYY-MM" or "YYYY" in JSON; Build checks that it
// exists.
type Date = names.Date

// birthYear returns the year of a birth date written yy: the latest century
// that does not put the date after now, an unknown month or day read as the
// first (see Parser).
func birthYear(yy, month, day int, now time.Time) int {
	y := now.Year()/100*100 + yy
	ny, nm, nd := now.Date()
	m, d := max(month, 1), max(day, 1)
	if y > ny || y == ny && (m > int(nm) || m == int(nm) && d > nd) {
		y -= 100
	}
	return y
}

// expiryYear returns the year of an expiry date written yy: the year in
// (now−50, now+50] (see Parser).
func expiryYear(yy int, now time.Time) int {
	y := now.Year()/100*100 + yy
	switch {
	case y > now.Year()+50:
		y -= 100
	case y <= now.Year()-50:
		y += 100
	}
	return y
}

// daysIn returns the number of days in a month (1–12, or 0 for none) of a
// year.
func daysIn(month, year int) int {
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return monthDays[month]
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
