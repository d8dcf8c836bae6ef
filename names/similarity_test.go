package names

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// n builds a Name from "Surname / Given".
func n(s string) Name {
	sur, given, _ := strings.Cut(s, "/")
	return Name{Surname: strings.TrimSpace(sur), Given: strings.TrimSpace(given)}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b     string // "Surname / Given"
		min, max float64
	}{
		// Native script against the passport's transliteration.
		{"Шевченко / Олександр", "Shevchenko / Oleksandr", 1, 1},
		{"Шевченко / Олександр", "Shevchenko / Aleksandr", 0.95, 0.99},
		{"Шевченко / Олександр", "Schewtschenko / Alexander", 0.9, 0.95},
		{"Παπαδόπουλος / Αλέξανδρος", "Papadopoulos / Alexandros", 1, 1},
		{"Παπαδόπουλος / Γιάννης", "Papadopoulos / Yannis", 0.95, 0.99},
		{"عبد الله / محمد", "Abdullah / Mohammed", 0.9, 0.99},
		{"عبد الله / محمد", "Abd Allah / Muhammad", 0.9, 0.99},
		{"الحسن / عمر", "Al-Hassan / Omar", 0.85, 0.99},
		{"Медведев / Дмитрий", "Medvedev / Dmitry", 0.95, 0.99},
		{"Хрущёв / Юрий", "Chruschtschow / Juri", 0.9, 0.95},
		{"Коваленко / Сергій", "Kovalenko / Sergey", 0.95, 0.99},
		{"Зеленський / Володимир", "Zelenskyy / Volodymyr", 0.88, 0.95},
		{"Иванова / Екатерина", "Ivanova / Yekaterina", 0.95, 0.99},
		// Variant spellings and families.
		{"Garcia / Jose", "García López / José María", 0.85, 0.9},
		{"Hussein / Ali", "Husain / Aly", 0.9, 0.96},
		{"Müller / Jürgen", "Mueller / Juergen", 0.88, 0.92},
		{"Kowalski / Michal", "Kowalski / Mikhail", 0.95, 0.99},
		{"Abdel Rahman / Omar", "Abdulrahman / Umar", 0.9, 0.99},
		// Typing errors and transpositions.
		{"Smith / John", "Smiht / Jonh", 0.88, 0.92},
		{"Papadopoulos / Nikolaos", "Papadopolous / Nikolaos", 0.9, 0.99},
		{"Schwarzenegger / Arnold", "Schwarzeneger / Arnold", 0.9, 0.99},
		// Order, missing names, written together or apart.
		{"Smith / John", "John / Smith", 0.96, 0.98},
		{"Smith / John Paul", "Smith / John", 0.9, 0.96},
		{"Smith / John Paul", "Smith / Johnpaul", 1, 1},
		{"Smith / J", "Smith / John", 0.85, 0.9},
		// Particles.
		{"van der Berg / Jan", "Vanderberg / Jan", 1, 1},
		{"van der Berg / Jan", "Berg / Jan", 0.95, 0.99},
		{"Al-Hassan / Omar", "Alhassan / Omar", 1, 1},
		{"Al-Hassan / Omar", "Hassan / Omar", 0.95, 0.99},
		{"de la Cruz / Maria", "Cruz / Maria", 0.95, 0.99},
		{"McDonald / Ronald", "Mac Donald / Ronald", 1, 1},
		// Different people: clearly below SimilarName.
		{"Schmidt / Anna", "Schneider / Hanna", 0, 0.45},
		{"Schmidt / Anna", "Schmidt / Maria", 0, 0.6},
		{"Smith / John", "Smith / Jane", 0, 0.6},
		{"Ali / Mohammed", "Ali / Mahmoud", 0, 0.6},
		{"Petrov / Alexander", "Petrova / Alexandra", 0, 0.6},
		{"Martin / Anna", "Martinez / Anna", 0, 0.5},
		{"Ivanov / Sergei", "Ivanova / Svetlana", 0, 0.55},
		{"Rahman / Hassan", "Rahman / Hussein", 0, 0.6},
		{"Schmidt / Anna", "Schmitz / Anna", 0, 0.6},
		{"Smith / John", "Smith", 0.65, 0.75}, // the given name is unknown on one side
		{"Li / Wei", "Smith / John", 0, 0},
		{"Smith / John", "", 0, 0},
		{"", "", 0, 0},
	}
	for _, tt := range tests {
		got := Similarity(n(tt.a), n(tt.b))
		if got.Value < tt.min-1e-9 || got.Value > tt.max+1e-9 {
			t.Errorf("Similarity(%q, %q) = %s, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
		}
		if (got.Value >= SimilarName) != (tt.min >= SimilarName) {
			t.Errorf("Similarity(%q, %q) = %.3f: on the wrong side of SimilarName", tt.a, tt.b, got.Value)
		}
	}
}

// TestSimilarityExplains checks that the explanation names how each
// token matched, as officers see it.
func TestSimilarityExplains(t *testing.T) {
	tests := []struct {
		a, b    string
		swapped bool
		want    []TokenMatch // in order; Score not compared
	}{
		{"Shevchenko / Oleksandr", "Shevchenko / Aleksandr", false, []TokenMatch{
			{A: "SHEVCHENKO", B: "SHEVCHENKO", Kind: MatchExact},
			{A: "OLEKSANDR", B: "ALEKSANDR", Kind: MatchVariant},
		}},
		{"Schewtschenko / Juri", "Шевченко / Юрий", false, []TokenMatch{
			{A: "SCHEWTSCHENKO", B: "SHEVCHENKO", Kind: MatchPhonetic},
			{A: "JURI", B: "IURII", Kind: MatchVariant},
		}},
		{"Smith / John", "Smyth / John", false, []TokenMatch{
			{A: "SMITH", B: "SMYTH", Kind: MatchPhonetic},
			{A: "JOHN", B: "JOHN", Kind: MatchExact},
		}},
		{"Smiht / Johnatan", "Smith / Jonathan", false, []TokenMatch{
			{A: "SMIHT", B: "SMITH", Kind: MatchTypo},
			{A: "JOHNATAN", B: "JONATHAN", Kind: MatchTypo},
		}},
		{"Berg / Jan", "van der Berg / Jan", false, []TokenMatch{
			{A: "BERG", B: "VANDERBERG", Kind: MatchParticle},
			{A: "JAN", B: "JAN", Kind: MatchExact},
		}},
		{"Smith / John", "John / Smith", true, []TokenMatch{
			{A: "SMITH", B: "SMITH", Kind: MatchExact, Swapped: true},
			{A: "JOHN", B: "JOHN", Kind: MatchExact, Swapped: true},
		}},
		{"Smith / John Paul", "Smith / Johnpaul", false, []TokenMatch{
			{A: "SMITH", B: "SMITH", Kind: MatchExact},
			{A: "JOHN PAUL", B: "JOHNPAUL", Kind: MatchExact},
		}},
		{"García López / José María", "Garcia / Jose", false, []TokenMatch{
			{A: "GARCIA", B: "GARCIA", Kind: MatchExact},
			{A: "JOSE", B: "JOSE", Kind: MatchExact},
			{A: "LOPEZ", Kind: MatchMissing},
			{A: "MARIA", Kind: MatchMissing},
		}},
		{"Smith / J", "Smith / John", false, []TokenMatch{
			{A: "SMITH", B: "SMITH", Kind: MatchExact},
			{A: "J", B: "JOHN", Kind: MatchInitial},
		}},
		{"Sun / Fang", "Su / Fang", false, []TokenMatch{
			{A: "SUN", B: "SU", Kind: MatchTypo},
			{A: "FANG", B: "FANG", Kind: MatchExact},
		}},
		{"Wang / Hui", "Wang / Huo", false, []TokenMatch{
			{A: "WANG", B: "WANG", Kind: MatchExact},
			{A: "HUI", B: "HUO", Kind: MatchTypo},
		}},
		{"Abdille / Xaliimo", "Abdille / Halima", false, []TokenMatch{
			{A: "ABDILLE", B: "ABDILLE", Kind: MatchExact},
			{A: "XALIIMO", B: "HALIMA", Kind: MatchPhonetic},
		}},
		{"Ciise / Cabdi", "Isse / Abdi", false, []TokenMatch{
			{A: "CIISE", B: "ISSE", Kind: MatchPhonetic},
			{A: "CABDI", B: "ABDI", Kind: MatchPhonetic},
		}},
		{"Popal / Nur", "Popal / Noor", false, []TokenMatch{
			{A: "POPAL", B: "POPAL", Kind: MatchExact},
			{A: "NUR", B: "NOOR", Kind: MatchPhonetic},
		}},
		{"Haddad / Leila", "Haddad / Layla", false, []TokenMatch{
			{A: "HADDAD", B: "HADDAD", Kind: MatchExact},
			{A: "LEILA", B: "LAYLA", Kind: MatchPhonetic},
		}},
		{"Al Bakri / Muhamma", "Al Bakri / Mohammed", false, []TokenMatch{
			{A: "ALBAKRI", B: "ALBAKRI", Kind: MatchExact},
			{A: "MUHAMMA", B: "MOHAMMED", Kind: MatchTypo},
		}},
		{"Karimi / Najib", "Karimi / Najibullah", false, []TokenMatch{
			{A: "KARIMI", B: "KARIMI", Kind: MatchExact},
			{A: "NAJIB", B: "NAJIBULLAH", Kind: MatchTypo},
		}},
		{"Li / Na", "Lu / Na", false, []TokenMatch{
			{A: "NA", B: "NA", Kind: MatchExact},
			{A: "LI", B: "LU", Kind: MatchDifferent},
		}},
		{"Schmidt / Anna", "Schneider / Hanna", false, []TokenMatch{
			{A: "ANNA", B: "HANNA", Kind: MatchTypo},
			{A: "SCHMIDT", B: "SCHNEIDER", Kind: MatchDifferent},
		}},
	}
	for _, tt := range tests {
		got := Similarity(n(tt.a), n(tt.b))
		if got.Swapped != tt.swapped {
			t.Errorf("Similarity(%q, %q).Swapped = %v, want %v", tt.a, tt.b, got.Swapped, tt.swapped)
		}
		if len(got.Tokens) != len(tt.want) {
			t.Errorf("Similarity(%q, %q) = %s, want %d token lines", tt.a, tt.b, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			g := got.Tokens[i]
			g.Score = 0
			if g != w {
				t.Errorf("Similarity(%q, %q) line %d = %+v, want %+v", tt.a, tt.b, i, g, w)
			}
		}
	}
}

func TestScoreString(t *testing.T) {
	got := Similarity(n("García López / José"), n("Garcia / Jose")).String()
	for _, want := range []string{"0.9", "GARCIA = GARCIA exact", "LOPEZ missing from the other name"} {
		if !strings.Contains(got, want) {
			t.Errorf("String() = %q, want it to contain %q", got, want)
		}
	}
	got = Similarity(n("Smith / John"), n("John / Smyth")).String()
	for _, want := range []string{"swapped", "SMITH ~ SMYTH phonetic 0.87"} {
		if !strings.Contains(got, want) {
			t.Errorf("String() = %q, want it to contain %q", got, want)
		}
	}
	got = Similarity(n("Schmidt / Anna"), n("Schneider / Anna")).String()
	if !strings.Contains(got, "SCHMIDT ≠ SCHNEIDER") {
		t.Errorf("String() = %q, want the conflicting surnames shown", got)
	}
	if k := MatchKind(200).String(); k != "MatchKind(200)" {
		t.Errorf("unknown MatchKind = %q", k)
	}
}

// pool holds realistic names in several scripts and spellings for the
// property tests.
var pool = []string{
	"Shevchenko / Oleksandr", "Шевченко / Олександр", "Schewtschenko / Alexander", "Shevchenko / Aleksandr Ivanovich",
	"Papadopoulos / Alexandros", "Παπαδόπουλος / Αλέξανδρος", "Papadopolous / Alexandros Nikolaos",
	"Abdullah / Mohammed", "عبد الله / محمد", "Abd Allah / Muhammad", "Al-Hassan / Omar", "الحسن / عمر",
	"García López / José María", "Garcia / Jose", "Lopez Garcia / Maria Jose",
	"Schmidt / Anna", "Schneider / Hanna", "Schmitt / Anna Maria", "Smith / John Paul", "Smith / Johnpaul",
	"John / Smith", "van der Berg / Jan", "Vanderberg / Jan", "Berg / Jan", "McDonald / Ronald",
	"Müller / Jürgen", "Mueller / Juergen", "Хрущёв / Юрий", "Chruschtschow / Juri", "Smith / J",
	"Ivanova / Ekaterina", "Иванова / Екатерина", "Kowalski / Michał", "Nguyễn / Thị Hương",
	"", "Li / Wei", "Smith / John John", "Anna Anna / Anna",
}

// TestSimilarityProperties checks that Similarity is symmetric, in
// [0, 1], 1 between a name and itself, and that Compare on prepared
// names gives the same.
func TestSimilarityProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	noisy := func(s string) string {
		r := []rune(s)
		if len(r) < 2 {
			return s
		}
		switch i := rng.IntN(len(r) - 1); rng.IntN(4) {
		case 0: // transpose
			r[i], r[i+1] = r[i+1], r[i]
		case 1: // drop
			r = append(r[:i], r[i+1:]...)
		case 2: // double
			r = append(r[:i+1], r[i:]...)
		}
		return string(r)
	}
	for i := range 5000 {
		a := n(pool[rng.IntN(len(pool))])
		b := n(pool[rng.IntN(len(pool))])
		if i%2 == 1 {
			b = Name{Surname: noisy(a.Surname), Given: noisy(a.Given)}
		}
		ab, ba := Similarity(a, b), Similarity(b, a)
		if math.Abs(ab.Value-ba.Value) > 1e-9 {
			t.Fatalf("not symmetric: %+v, %+v: %s but %s", a, b, ab, ba)
		}
		if ab.Value < 0 || ab.Value > 1 {
			t.Fatalf("Similarity(%+v, %+v) = %v, outside [0, 1]", a, b, ab.Value)
		}
		if c := Compare(Prepare(a), Prepare(b)); c.Value != ab.Value {
			t.Fatalf("Compare = %v, Similarity = %v for %+v, %+v", c.Value, ab.Value, a, b)
		}
	}
	for _, s := range pool {
		if s == "" {
			continue
		}
		if v := Similarity(n(s), n(s)).Value; v != 1 {
			t.Errorf("Similarity of %q with itself = %v, want 1", s, v)
		}
	}
}

func TestShortTypo(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{{"SU", "SUN", true}, {"QIN", "QING", true}, {"HUO", "HUI", true}, {"LI", "LU", false}, {"A", "AB", false}, {"ANNA", "HANNA", false}}
	for _, tt := range tests {
		if got := shortTypo(tt.a, tt.b); got != tt.want {
			t.Errorf("shortTypo(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTypoLimit(t *testing.T) {
	tests := []struct{ a, b, want int }{{3, 3, 0}, {4, 9, 1}, {7, 7, 1}, {8, 8, 2}, {11, 12, 2}, {12, 12, 3}}
	for _, tt := range tests {
		if got := typoLimit(tt.a, tt.b); got != tt.want {
			t.Errorf("typoLimit(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDistances(t *testing.T) {
	ed := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"SMITH", "SMITH", 2, 0},
		{"SMITH", "SMIHT", 2, 1},
		{"SMITH", "SMYTH", 2, 1},
		{"SMITH", "SMITHERS", 3, 3},
		{"SMITH", "SMITHERS", 2, 3}, // over the limit: limit+1
		{"", "ABC", 5, 3},
		{"KITTEN", "SITTING", 5, 3},
		{"CA", "ABC", 5, 3}, // OSA, not full Damerau
		{strings.Repeat("A", 70), strings.Repeat("A", 70), 1, 2},
	}
	for _, tt := range ed {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
	jw := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.84},
		{"DIXON", "DICKSONX", 0.813},
		{"ABC", "ABC", 1},
		{"ABC", "XYZ", 0},
		{"", "ABC", 0},
	}
	for _, tt := range jw {
		if got := jaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.001 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}
