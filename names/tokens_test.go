package names

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"van der Berg", []string{"VANDERBERG"}},
		{"Van Der Berg", []string{"VANDERBERG"}},
		{"Vanderberg", []string{"VANDERBERG"}},
		{"Al-Hassan", []string{"ALHASSAN"}},
		{"al Hassan", []string{"ALHASSAN"}},
		{"El-Sayed", []string{"ELSAYED"}},
		{"O'Brien", []string{"OBRIEN"}},
		{"D'Angelo", []string{"DANGELO"}},
		{"Mc Donald", []string{"MACDONALD"}},
		{"McDonald", []string{"MACDONALD"}},
		{"Mac Donald", []string{"MACDONALD"}},
		{"de la Cruz", []string{"DELACRUZ"}},
		{"da Silva Santos", []string{"DASILVA", "SANTOS"}},
		{"García López", []string{"GARCIA", "LOPEZ"}},
		{"von Trapp", []string{"VONTRAPP"}},
		{"zu Guttenberg", []string{"ZUGUTTENBERG"}},
		{"bin Laden", []string{"BINLADEN"}},
		{"Abu Bakr", []string{"ABUBAKR"}},
		{"Berg van", []string{"BERG", "VAN"}}, // a particle that ends the part stays
		{"Le", []string{"LE"}},
		{"", []string{}},
		{"Олександр Шевченко", []string{"OLEKSANDR", "SHEVCHENKO"}},
		{"الحسن", []string{"ALHSN"}},
	}
	for _, tt := range tests {
		if got := Tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensOfGivenNames(t *testing.T) {
	tests := []struct {
		given string
		want  []string
	}{
		{"Ben", []string{"BEN"}},                // a given name, not a particle
		{"Ben James", []string{"BEN", "JAMES"}}, // the first given name is never a particle
		{"María del Carmen", []string{"MARIA", "DELCARMEN"}},
		{"Mohammed bin Salman", []string{"MOHAMMED", "BINSALMAN"}},
		{"Anna O", []string{"ANNA", "O"}}, // O' counts only in surnames
	}
	for _, tt := range tests {
		got := Prepare(Name{Given: tt.given}).Tokens()
		if !slices.Equal(got, tt.want) {
			t.Errorf("given names %q: tokens %q, want %q", tt.given, got, tt.want)
		}
	}
}

func TestTokenCores(t *testing.T) {
	tests := []struct{ in, core string }{
		{"VAN DER BERG", "BERG"},
		{"VANDERBERG", "BERG"},
		{"ALHASSAN", "HASSAN"},
		{"AL HASSAN", "HASSAN"},
		{"DE LA CRUZ", "CRUZ"},
		{"MACDONALD", "MACDONALD"}, // Mac belongs to the name
		{"O BRIEN", "OBRIEN"},
		{"ALI", "ALI"},     // too short to hold a particle
		{"ALLEN", "ALLEN"}, // AL + LEN leaves too little
		{"DELGADO", "DELGADO"},
	}
	for _, tt := range tests {
		ws := appendWords(nil, tt.in, true, -1)
		if len(ws) != 1 || ws[0].core != tt.core {
			t.Errorf("words of %q = %+v, want one with core %q", tt.in, ws, tt.core)
		}
	}
}
