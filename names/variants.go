package names

import (
	"strings"
	"unicode/utf8"
)

// MaxVariants caps the number of spellings Variants returns.
const MaxVariants = 16

// Variants returns common spellings of s in the matching alphabet, most
// likely first and at most MaxVariants of them. The first is always
// Normalize(s). Then come whole-name spellings in the national systems
// (Cyrillic: English/BGN, German, French, Polish — Юрий Хрущёв gives
// IURII KHRUSHCHEV, YURIY KHRUSHCHOV, JURIJ CHRUSCHTSCHOW, …; Greek:
// simplified phonetic and classical; Arabic: English and French usage;
// Latin: the ICAO MRZ forms AE, OE, UE, AA of Ä, Ö/Ø, Ü, Å); for Cyrillic
// the reading in Ukrainian of a name read in Russian, since a Ukrainian
// name need not have a letter Russian lacks (Володимир: VOLODIMIR, then
// VOLODYMYR), or in Russian of a name read in Ukrainian; for Arabic the
// reading with an a between unvowelled consonants (محمد → MAHAMAD), since
// short vowels are rarely written; then spellings that change one letter
// (Х → H, Ukrainian Г → G, Greek Η → E, Arabic ق → K, …).
// Variants returns nil when s has no letters.
func Variants(s string) []string {
	c := newCursor(s)
	var segStack [64]*seg
	var bareStack [64]bool
	segs, bare := readSegs(c, segStack[:0], bareStack[:0])
	primary := spell(segs, 0, -1, "")
	if primary == "" {
		return nil
	}
	out := []string{primary}
	add := func(v string) {
		if v == "" || len(out) >= MaxVariants {
			return
		}
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	for sys := 1; sys < numSystems; sys++ {
		add(spell(segs, sys, -1, ""))
	}
	if hasCyrillic(c.s) {
		o, _ := readSegs(otherReading(c), nil, nil)
		add(spell(o, 0, -1, ""))
	}
	add(vowelled(segs, bare))
	for i, g := range segs {
		for _, f := range g.forms[1:] {
			add(spell(segs, 0, i, f))
		}
		for _, f := range g.extra {
			add(spell(segs, 0, i, f))
		}
		if len(out) == MaxVariants {
			break
		}
	}
	return out
}

// readSegs appends the segments of c's text to segs, and to bare whether
// each is an unvowelled Arabic consonant; a shadda repeats the segment
// before it and the article is followed by a word break.
func readSegs(c cursor, segs []*seg, bare []bool) ([]*seg, []bool) {
	var last *seg
	for i := 0; i < len(c.s); {
		r, _ := utf8.DecodeRuneInString(c.s[i:])
		g, n := c.next(i)
		i += n
		switch g.kind {
		case segSep:
			c.prev = 0
			segs, bare = append(segs, g), append(bare, false)
			continue
		case segRepeat:
			if last == nil {
				continue
			}
			g = last
		}
		segs = append(segs, g)
		bare = append(bare, isBareArabic(r, g))
		if g.forms[0] != "" {
			last = g
		}
		if g.brk {
			segs, bare = append(segs, &sepSeg), append(bare, false)
		}
	}
	return segs, bare
}

func isVowel(c byte) bool {
	switch c {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// spell writes segs in system sys, with segment at (if not -1) spelled alt.
func spell(segs []*seg, sys, at int, alt string) string {
	var b strings.Builder
	space := false
	for i, g := range segs {
		if g.kind == segSep {
			space = b.Len() > 0
			continue
		}
		f := g.form(sys)
		if i == at {
			f = alt
		}
		if f != "" {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(f)
		}
	}
	return b.String()
}

// vowelled writes the primary spelling with an A after each bare Arabic
// consonant that another bare consonant follows in the same word, or ""
// when there is none.
func vowelled(segs []*seg, bare []bool) string {
	var b strings.Builder
	space, changed := false, false
	for i, g := range segs {
		if g.kind == segSep {
			space = b.Len() > 0
			continue
		}
		f := g.forms[0]
		if f == "" {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(f)
		if bare[i] && i+1 < len(segs) && bare[i+1] {
			b.WriteByte('A')
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return b.String()
}
