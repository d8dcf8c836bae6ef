package names_test

import (
	"fmt"
	"time"

	"secunion/names"
)

func ExampleNormalize() {
	fmt.Println(names.Normalize("José María García-López"))
	fmt.Println(names.Normalize("Олександр Шевченко"))
	fmt.Println(names.Normalize("Αλέξανδρος Παπαδόπουλος"))
	fmt.Println(names.Normalize("محمد عبد الله"))
	// Output:
	// JOSE MARIA GARCIA LOPEZ
	// OLEKSANDR SHEVCHENKO
	// ALEXANDROS PAPADOPOULOS
	// MHMD EBD ALLH
}

func ExampleVariants() {
	for _, v := range names.Variants("Юрий Хрущёв")[:4] {
		fmt.Println(v)
	}
	// Output:
	// IURII KHRUSHCHEV
	// YURIY KHRUSHCHOV
	// JURIJ CHRUSCHTSCHOW
	// IOURII KHROUCHTCHOV
}

func ExampleSimilarity() {
	s := names.Similarity(
		names.Name{Surname: "Шевченко", Given: "Олександр"},
		names.Name{Surname: "Schewtschenko", Given: "Alexander"},
	)
	fmt.Println(s)
	// Output:
	// 0.92: SHEVCHENKO ~ SCHEWTSCHENKO phonetic 0.90; OLEKSANDR ~ ALEXANDER variant 0.95
}

func ExampleSimilar() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	birth := func(s string) names.Date {
		d, err := names.ParseDate(s, now)
		if err != nil {
			panic(err)
		}
		return d
	}
	a := names.Identity{Name: names.Name{Surname: "Müller", Given: "Jürgen"}, Birth: birth("1985-03-12"), Sex: "M"}
	b := names.Identity{Name: names.Name{Surname: "MUELLER", Given: "JUERGEN"}, Birth: birth("1985-03"), Sex: "M"}
	c := names.Identity{Name: names.Name{Surname: "Mueller", Given: "Juergen"}, Birth: birth("1985-12-03")}
	fmt.Println(names.Same(a, b), names.Similar(a, b))
	fmt.Println(names.Same(a, c), names.Similar(a, c), names.CompareDates(a.Birth, c.Birth))
	// Output:
	// true true
	// false true day and month swapped
}
