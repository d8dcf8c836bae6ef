package names

import "testing"

// benchNames mixes the scripts and spellings an index meets, in
// "Surname / Given" form.
var benchNames = []string{
	"García López / José María", "SMITH / JOHN", "Müller-Lüdenscheidt / Jürgen",
	"Шевченко / Олександр", "Παπαδόπουλος / Αλέξανδρος", "عبد الله / محمد",
	"van der Berg / Jan Willem", "O'Brien / Siobhán", "Nguyễn / Thị Hương", "KOWALSKI / MICHAL",
}

func BenchmarkNormalize(b *testing.B) {
	in := make([]string, 0, 2*len(benchNames))
	for _, s := range benchNames {
		nm := n(s)
		in = append(in, nm.Surname, nm.Given)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Normalize(in[i%len(in)])
		i++
	}
}

// BenchmarkSimilarity compares raw names, each normalised and prepared in
// the call, as a one-off comparison does.
func BenchmarkSimilarity(b *testing.B) {
	pairs := benchPairs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		Similarity(p[0], p[1])
		i++
	}
}

// BenchmarkCompare compares names prepared once, as the name index does
// when it ranks candidates.
func BenchmarkCompare(b *testing.B) {
	pairs := benchPairs()
	prepared := make([][2]*Prepared, len(pairs))
	for i, p := range pairs {
		prepared[i] = [2]*Prepared{Prepare(p[0]), Prepare(p[1])}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := prepared[i%len(prepared)]
		Compare(p[0], p[1])
		i++
	}
}

func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("SCHEWTSCHENKO")
	}
}

// benchPairs pairs each bench name with a noisy spelling of itself and
// with the next name, so that matches and non-matches both count.
func benchPairs() [][2]Name {
	noisy := []string{
		"Garcia / Jose", "SMIHT / JOHN PAUL", "Mueller Luedenscheidt / Juergen",
		"Schewtschenko / Alexander", "Papadopoulos / Alexandros", "Abdullah / Mohammed",
		"Vanderberg / Jan", "OBrien / Siobhan", "Nguyen / Thi Huong", "Kowalski / Michał",
	}
	var pairs [][2]Name
	for i, s := range benchNames {
		pairs = append(pairs, [2]Name{n(s), n(noisy[i])}, [2]Name{n(s), n(benchNames[(i+1)%len(benchNames)])})
	}
	return pairs
}
