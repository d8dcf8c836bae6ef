package names

import "testing"

func TestSameAndSimilar(t *testing.T) {
	base := Identity{
		Name:          Name{Surname: "Шевченко", Given: "Олександр Петрович"},
		Birth:         Date{1985, 3, 12},
		Sex:           "M",
		Nationalities: []string{"UKR"},
	}
	with := func(f func(*Identity)) Identity {
		id := base
		id.Nationalities = append([]string(nil), base.Nationalities...)
		f(&id)
		return id
	}
	tests := []struct {
		name          string
		other         Identity
		same, similar bool
	}{
		{"identical", base, true, true},
		{"Ukrainian passport transliteration", with(func(i *Identity) { i.Name = Name{"SHEVCHENKO", "OLEKSANDR PETROVYCH"} }), true, true},
		{"ICAO transliteration of the Russian reading", with(func(i *Identity) { i.Name = Name{"SHEVCHENKO", "OLEKSANDR PETROVICH"} }), true, true},
		{"given names in another order", with(func(i *Identity) { i.Name = Name{"Shevchenko", "Petrovich Oleksandr"} }), true, true},
		{"partial date agrees", with(func(i *Identity) { i.Birth = Date{1985, 3, 0} }), true, true},
		{"year only agrees", with(func(i *Identity) { i.Birth = Date{1985, 0, 0} }), true, true},
		{"sex unknown", with(func(i *Identity) { i.Sex = "" }), true, true},
		{"sex X is unspecified", with(func(i *Identity) { i.Sex = "X" }), true, true},
		{"second nationality", with(func(i *Identity) { i.Nationalities = []string{"POL", "ukr"} }), true, true},
		{"nationality unknown", with(func(i *Identity) { i.Nationalities = nil }), true, true},
		{"German transliteration", with(func(i *Identity) { i.Name = Name{"Schewtschenko", "Alexander Petrowitsch"} }), false, true},
		{"typo in surname", with(func(i *Identity) { i.Name = Name{"Shevcehnko", "Oleksandr Petrovich"} }), false, true},
		{"names swapped", with(func(i *Identity) { i.Name = Name{"Oleksandr Petrovich", "Shevchenko"} }), false, true},
		{"patronymic missing", with(func(i *Identity) { i.Name = Name{"Shevchenko", "Oleksandr"} }), false, true},
		{"day and month swapped", with(func(i *Identity) { i.Birth = Date{1985, 12, 3} }), false, true},
		{"a year apart", with(func(i *Identity) { i.Birth = Date{1986, 3, 12} }), false, true},
		{"one digit off, same name", with(func(i *Identity) { i.Birth = Date{1985, 3, 17} }), false, true},
		{"one digit off and a weaker name", with(func(i *Identity) {
			i.Birth = Date{1985, 3, 17}
			i.Name = Name{"Schewtschenko", "Alexander"}
		}), false, false},
		{"date missing, same name", with(func(i *Identity) { i.Birth = Date{} }), false, true},
		{"date far off", with(func(i *Identity) { i.Birth = Date{1975, 6, 1} }), false, false},
		{"other sex", with(func(i *Identity) { i.Sex = "F" }), false, false},
		{"other nationality", with(func(i *Identity) { i.Nationalities = []string{"RUS"} }), false, false},
		{"other given name", with(func(i *Identity) { i.Name = Name{"Shevchenko", "Taras"} }), false, false},
		{"other surname", with(func(i *Identity) { i.Name = Name{"Kovalenko", "Oleksandr Petrovych"} }), false, false},
	}
	for _, tt := range tests {
		if got := Same(base, tt.other); got != tt.same {
			t.Errorf("%s: Same = %v, want %v", tt.name, got, tt.same)
		}
		if got := Same(tt.other, base); got != tt.same {
			t.Errorf("%s: Same reversed = %v, want %v", tt.name, got, tt.same)
		}
		if got := Similar(base, tt.other); got != tt.similar {
			t.Errorf("%s: Similar = %v, want %v (names %s)", tt.name, got, tt.similar, Similarity(base.Name, tt.other.Name))
		}
		if got := Similar(tt.other, base); got != tt.similar {
			t.Errorf("%s: Similar reversed = %v, want %v", tt.name, got, tt.similar)
		}
	}
}

func TestSameNames(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Müller / Jürgen", "MUELLER / JUERGEN", true}, // the ICAO MRZ spelling
		{"Müller / Jürgen", "Muller / Jurgen", true},
		{"Müller / Jürgen", "Mueller / Jurgen", true},
		{"Michael / Anna", "Michal / Anna", false}, // AE is an umlaut only where one was written
		{"van der Berg / Jan", "Vanderberg / Jan", true},
		{"van der Berg / Jan", "Berg / Jan", false},
		{"García López / José María", "GARCIA LOPEZ / MARIA JOSE", true},
		{"García López / José", "López García / José", false}, // surnames keep their order
		{"Παπαδόπουλος / Αλέξανδρος", "PAPADOPOULOS / ALEXANDROS", true},
		{"محمد / علي", "MHMD / ELI", true},
		{"Smith / John", "Smith / John John", false},
		{"Григоренко / Сергій", "HRYHORENKO / SERHII", true},
		{"Григоренко / Сергій", "GRIGORENKO / SERGII", true}, // the Russian reading
		{"Григоренко / Сергій", "GRYGORENKO / SERHII", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := sameName(n(tt.a), n(tt.b)); got != tt.want {
			t.Errorf("sameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNationalityCodes(t *testing.T) {
	if !nationalitiesAgree([]string{"D"}, []string{"DEU"}) {
		t.Error("D (Germany in MRZs) should equal DEU")
	}
	if !nationalitiesAgree([]string{" fra "}, []string{"FRA"}) {
		t.Error("codes should compare trimmed and case-insensitively")
	}
	if nationalitiesAgree([]string{"FRA"}, []string{"BEL"}) {
		t.Error("FRA and BEL should not agree")
	}
}
