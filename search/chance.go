package search

import (
	"strings"
	"time"

	"secunion/identity"
	"secunion/names"
)

// tally adds delta to the counts Coincidences reads for e's names (their
// blocking keys, blocks) and date of birth. The caller holds both locks.
func (x *Index) tally(e *entry, blocks []string, delta int32) {
	for _, k := range blocks {
		h := x.postKey(0, "", k, 0)
		if x.tokens[h] += delta; x.tokens[h] <= 0 {
			delete(x.tokens, h)
		}
	}
	if e.birth == 0 {
		return
	}
	d := unpackDate(e.birth)
	for _, p := range []names.Date{{Year: d.Year}, {Year: d.Year, Month: d.Month}, d} {
		k := packDate(p)
		if x.dates[k] += delta; x.dates[k] <= 0 {
			delete(x.dates, k)
		}
		if p == d {
			break
		}
	}
}

// entryNames returns the names (the name, then its aliases) of e.
func entryNames(e *entry) []names.Name {
	text, _, _ := e.sections()
	if text == "" {
		return nil
	}
	var ns []names.Name
	for n := range strings.SplitSeq(text, sepRecord) {
		surname, given, _ := strings.Cut(n, sepField)
		ns = append(ns, names.Name{Surname: surname, Given: given})
	}
	return ns
}

// Coincidences estimates how many of the records indexed would agree with
// a as closely as b does by chance alone: share the name tokens that a
// and b share, and hold a date of birth related to a's as b's is. It is
// the expected number of namesakes, so that a match on identity data alone
// can be weighed against the size of the set searched: a rare name with an
// exact date means something among a million records, a common one with a
// date one digit apart does not.
//
// The model treats name tokens and the date as independent: the share of
// records holding each agreeing token (by its rarest blocking key shared
// with b), multiplied over the tokens of a's best-agreeing name (the name
// or an alias), times the number of records whose date relates to a's as
// b's does (the same date, a date one year apart, one digit apart, and so
// on, at the precision a's date has). With no name or date in common, that
// part gives no evidence: all records agree.
func (x *Index) Coincidences(a, b identity.Record) float64 {
	if a.Person == nil || b.Person == nil {
		return 0
	}
	na, nb := personNames(a.Person), personNames(b.Person)
	da, db := names.StoredDate(a.Person.BirthDate), names.StoredDate(b.Person.BirthDate)
	shared := map[string]bool{}
	for _, k := range blockKeys(nb) {
		shared[k] = true
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.live == 0 {
		return 0
	}
	live := float64(x.live)
	share := 1.0
	var p names.Prepared
	for _, n := range na {
		p.Set(n)
		s := 1.0
		for _, t := range p.Tokens() {
			best := 1.0
			for _, k := range tokenKeys(t) {
				if shared[k] {
					best = min(best, float64(x.tokens[x.postKey(0, "", k, 0)])/live)
				}
			}
			s *= best
		}
		share = min(share, s)
	}
	return share * max(1, x.relatedDates(da, db))
}

// relatedDates counts the records whose date of birth relates to a as b
// does (names.CompareDates), or all records when that says nothing. The
// caller holds the read lock.
func (x *Index) relatedDates(a, b names.Date) float64 {
	count := func(d names.Date) float64 { return float64(x.dates[packDate(d)]) }
	switch names.CompareDates(a, b) {
	case names.DateExact:
		return count(a)
	case names.DateCompatible:
		if precision(b) < precision(a) {
			return count(b)
		}
		return count(a)
	case names.DateDayMonthSwapped:
		return count(b)
	case names.DateOffByOneYear:
		before, after := a, a
		before.Year--
		after.Year++
		return count(before) + count(after)
	case names.DateDigitTypo:
		n := 0.0
		for _, d := range digitVariants(a) {
			n += count(d)
		}
		return n
	}
	return float64(x.live)
}

// precision is the number of known parts of d.
func precision(d names.Date) int {
	switch {
	case d.Year == 0:
		return 0
	case d.Month == 0:
		return 1
	case d.Day == 0:
		return 2
	}
	return 3
}

// digitVariants returns the valid dates, at d's precision, written with
// one digit changed or two adjacent digits exchanged.
func digitVariants(d names.Date) []names.Date {
	text := []byte(strings.ReplaceAll(d.String(), "-", ""))
	seen := map[names.Date]bool{}
	var out []names.Date
	try := func(v []byte) {
		s := string(v[:4])
		if len(v) > 4 {
			s += "-" + string(v[4:6])
		}
		if len(v) > 6 {
			s += "-" + string(v[6:])
		}
		if e, err := names.ParseDate(s, time.Now()); err == nil && e != d && precision(e) == precision(d) && !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	v := make([]byte, len(text))
	for i := range text {
		for c := byte('0'); c <= '9'; c++ {
			copy(v, text)
			v[i] = c
			try(v)
		}
		if i+1 < len(text) {
			copy(v, text)
			v[i], v[i+1] = v[i+1], v[i]
			try(v)
		}
	}
	return out
}

// personNames returns a person's name and aliases.
func personNames(p *identity.Person) []names.Name {
	return append([]names.Name{{Surname: p.Surname, Given: p.GivenNames}}, aliasNames(p.Aliases)...)
}
