package names

import "testing"

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SHEVCHENKO", "XFXNK"},
		{"SCHMIDT", "XMT"},
		{"KHRUSHCHEV", "HRXF"},
		{"MUHAMMAD", "MHMT"},
		{"ABDULLAH", "APTL"},
		{"YURI", "JR"},
		{"ALEXANDER", "ALKSNTR"},
		{"PHILIPP", "FLP"},
		{"CHRISTOS", "HRSTS"},
		{"CARLOS", "KRLS"},
		{"CECILIA", "SSL"},
		{"TSVETAEVA", "SFTF"},
		{"DZHABAROV", "JPRF"},
		{"ANNA", "AN"},
		{"HANNA", "HN"},
		{"EA", "A"},
		{"H", "A"},
		{"", ""},
		{"O BRIEN", "APRN"}, // non-letters are skipped
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestKeyGroups checks that spellings of one name share a key and that
// different names do not.
func TestKeyGroups(t *testing.T) {
	same := [][]string{
		{"SHEVCHENKO", "SCHEWTSCHENKO", "SZEWCZENKO", "CHEVTCHENKO"},
		{"KHRUSHCHEV", "CHRUSCHTSCHOW", "KHRUSHCHOV", "CHRUSZCZOW"},
		{"EGOROV", "YEGOROV", "JEGOROW", "IEGOROV"},
		{"TCHAIKOVSKY", "CHAIKOVSKII", "TSCHAIKOWSKI", "CZAJKOWSKI"},
		{"ZHUKOV", "JOUKOV", "ZHUKOW"},
		{"MUHAMMAD", "MOHAMMED", "MOHAMED", "MEHMET", "MHMD", "MUHAMED"},
		{"AHMED", "AHMAD", "ACHMED", "AHMD", "AHMET"},
		{"HUSSEIN", "HUSAIN", "HUSEYIN", "HOSSEIN", "HSIN"},
		{"ABDULLAH", "ABDALLAH", "ABDULLA", "EBDALLH"},
		{"SERGEI", "SERGEY", "SERGEJ"},
		{"YURI", "IURII", "JURIJ", "YURIY"},
		{"YULIA", "IULIIA", "JULIA", "YULIYA", "JULIJA"},
		{"DMITRY", "DMITRII", "DMYTRO", "DMITRIJ"},
		{"MULLER", "MUELLER", "MILLER"},
		{"SCHMIDT", "SCHMITT", "SHMIDT"},
		{"PHILIPPE", "FILIP", "PHILIP"},
		{"KATHARINA", "KATARINA", "CATARINA"},
		{"MAYA", "MAJA", "MAIA"},
		{"MCDONALD", "MACDONALD"},
		{"TSVETAEVA", "ZVETAEVA"},
		{"KHALED", "HALED", "KHALID"},
	}
	for _, g := range same {
		for _, s := range g[1:] {
			if Key(s) != Key(g[0]) {
				t.Errorf("Key(%q) = %q, Key(%q) = %q: want equal", s, Key(s), g[0], Key(g[0]))
			}
		}
	}
	different := [][2]string{
		{"ANNA", "HANNA"},
		{"SCHMIDT", "SCHNEIDER"},
		{"MARIA", "MARTA"},
		{"IVANOV", "IVANOVSKI"},
		{"PETROV", "PETRENKO"},
		{"SMITH", "SMITHERS"},
		{"ALI", "ELLIS"},
	}
	for _, p := range different {
		if Key(p[0]) == Key(p[1]) {
			t.Errorf("Key(%q) = Key(%q) = %q: want different", p[0], p[1], Key(p[0]))
		}
	}
}

func TestKeyDoesNotAllocateTwice(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Key("SCHEWTSCHENKO") }); n > 1 {
		t.Errorf("Key allocates %.0f times", n)
	}
}
