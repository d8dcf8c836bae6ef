package names

import (
	"slices"
	"testing"
)

func TestVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string // spellings that must be among the variants
	}{
		// Russian Х KH/H/CH, Ж ZH/J, Ш SH/CH/SCH, Й I/Y/J, Ю IU/YU/JU, Я IA/YA/JA.
		{"Хасан", []string{"KHASAN", "HASAN", "CHASAN"}},
		{"Жуков", []string{"ZHUKOV", "JOUKOV", "SCHUKOW"}},
		{"Шевченко", []string{"SHEVCHENKO", "CHEVTCHENKO", "SCHEWTSCHENKO", "SZEWCZENKO"}},
		{"Сергей", []string{"SERGEI", "SERGEY", "SERGEJ"}},
		{"Юрий", []string{"IURII", "YURIY", "JURIJ"}},
		{"Юлия", []string{"IULIIA", "YULIYA", "JULIJA"}},
		{"Яна", []string{"IANA", "YANA", "JANA"}},
		{"Юрий Хрущёв", []string{"IURII KHRUSHCHEV", "YURIY KHRUSHCHOV", "JURIJ CHRUSCHTSCHOW"}},
		{"Елена", []string{"ELENA", "YELENA", "JELENA"}},
		{"Фёдор", []string{"FEDOR", "FYODOR"}},
		// Ukrainian Г H/G, И Y/I, and a Ukrainian name without Ukrainian letters.
		{"Григорій", []string{"HRYHORII", "GRYHORII", "HRIHORII", "GRIGORII"}},
		{"Володимир", []string{"VOLODIMIR", "VOLODYMYR"}},
		{"Олексій", []string{"OLEKSII", "OLEKSIY"}},
		// Greek Β V/B, Η I/E, Υ Y/I, Χ CH/H/KH, ΟΥ OU/U, ΓΙ GI/Y.
		{"Βασίλης", []string{"VASILIS", "BASILIS"}},
		{"Ελένη", []string{"ELENI", "ELENE"}},
		{"Κυριάκος", []string{"KYRIAKOS", "KIRIAKOS"}},
		{"Χρήστος", []string{"CHRISTOS", "HRISTOS", "KHRISTOS"}},
		{"Παπαδόπουλος", []string{"PAPADOPOULOS", "PAPADOPULOS"}},
		{"Γιάννης", []string{"GIANNIS", "YANNIS", "IANNIS"}},
		{"Γκίκας", []string{"GIKAS", "GKIKAS"}},
		// Arabic: English and French usage, and the vowelled reading.
		{"محمد", []string{"MHMD", "MAHAMAD"}},
		{"عمر", []string{"EMR", "AMR", "OMR"}},
		{"شريف", []string{"SHRIF", "CHRIF"}},
		{"جميلة", []string{"JMILA", "DJMILA", "JMILAH"}},
		{"قاسم", []string{"QASM", "KASM"}},
		// Latin: the ICAO MRZ forms.
		{"Müller", []string{"MULLER", "MUELLER"}},
		{"Søren Åberg", []string{"SOREN ABERG", "SOEREN AABERG"}},
		{"Smith", []string{"SMITH"}},
	}
	for _, tt := range tests {
		got := Variants(tt.in)
		if len(got) == 0 || got[0] != Normalize(tt.in) {
			t.Errorf("Variants(%q)[0] = %q, want Normalize = %q", tt.in, got, Normalize(tt.in))
			continue
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Variants(%q) = %q, missing %q", tt.in, got, w)
			}
		}
	}
}

func TestVariantsBounds(t *testing.T) {
	for _, in := range []string{
		"Александр Щербаков-Хрущёв Юрьевич", "Ευάγγελος Χατζηγιαννάκης", "عبد الرحمن بن محمد الشريف",
		"Ødegård Müller-Lüdenscheidt", "Smith", "",
	} {
		got := Variants(in)
		if len(got) > MaxVariants {
			t.Errorf("Variants(%q) gives %d spellings, more than %d", in, len(got), MaxVariants)
		}
		seen := map[string]bool{}
		for _, v := range got {
			if !inAlphabet(v) || v == "" {
				t.Errorf("Variants(%q) has %q, not in the matching alphabet", in, v)
			}
			if seen[v] {
				t.Errorf("Variants(%q) repeats %q", in, v)
			}
			seen[v] = true
		}
	}
	if got := Variants("--- 123"); got != nil {
		t.Errorf("Variants without letters = %q, want nil", got)
	}
}
