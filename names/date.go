package names

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// Date is a date that may be partly unknown, as dates of birth and the
// dates of a machine-readable zone are: Month 0 means month and day
// unknown, Day 0 day unknown, and the zero Date no date at all.
type Date struct {
	Year, Month, Day int
}

// MinYear is the earliest year of birth ParseDate accepts.
const MinYear = 1900

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Year == 0 }

// Complete reports whether year, month and day are all known.
func (d Date) Complete() bool { return d.Year != 0 && d.Month != 0 && d.Day != 0 }

// String writes d as YYYY-MM-DD, YYYY-MM or YYYY, or "" for no date.
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText returns the date as String does, so JSON shows "1974-08-12".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written by MarshalText: "YYYY-MM-DD",
// "YYYY-MM", "YYYY" or "". It checks the form, not that the date exists
// (ParseDate does, for a date of birth).
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	parts := strings.Split(string(text), "-")
	if len(parts) > 3 {
		return dateTextError(text)
	}
	var v [3]int
	for i, p := range parts {
		width := 2
		if i == 0 {
			width = 4
		}
		if len(p) != width || strings.Trim(p, "0123456789") != "" {
			return dateTextError(text)
		}
		v[i], _ = strconv.Atoi(p)
		if v[i] == 0 {
			return dateTextError(text)
		}
	}
	*d = Date{Year: v[0], Month: v[1], Day: v[2]}
	return nil
}

func dateTextError(text []byte) error {
	return secunion.Errorf(secunion.Invalid, "date %q is not YYYY-MM-DD, YYYY-MM, YYYY or empty", text)
}

// StoredDate reads a date of birth that ParseDate checked when it was
// stored, whatever the clock says now; the zero Date if it is unreadable.
func StoredDate(s string) Date {
	d, _ := ParseDate(s, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	return d
}

// ParseDate reads a date of birth written YYYY-MM-DD, YYYY-MM or YYYY,
// where a month or day of 00 or XX also means unknown (as source systems
// and ICAO 9303 write partial dates). It refuses, with an Invalid
// *secunion.Error naming the problem, other layouts, a month outside 1–12,
// a day the month does not have (Feb 30, Feb 29 outside leap years), a
// known day in an unknown month, a year before MinYear, and a date after
// now.
func ParseDate(s string, now time.Time) (Date, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, "-")
	bad := func(why string, args ...any) (Date, error) {
		return Date{}, secunion.Errorf(secunion.Invalid, "date of birth %q: "+why, append([]any{s}, args...)...)
	}
	if len(parts) > 3 || len(parts[0]) != 4 {
		return bad("write it as YYYY-MM-DD, YYYY-MM or YYYY")
	}
	var v [3]int
	for i, p := range parts {
		if i > 0 && len(p) != 2 {
			return bad("write it as YYYY-MM-DD, YYYY-MM or YYYY")
		}
		if i > 0 && (p == "00" || p == "XX" || p == "xx") {
			continue
		}
		if strings.Trim(p, "0123456789") != "" {
			return bad("%q is not a number", p)
		}
		v[i], _ = strconv.Atoi(p)
	}
	d := Date{Year: v[0], Month: v[1], Day: v[2]}
	switch {
	case d.Year < MinYear:
		return bad("year %d is before %d", d.Year, MinYear)
	case d.Month > 12:
		return bad("there is no month %d", d.Month)
	case d.Month == 0 && d.Day != 0:
		return bad("a day is given but the month is unknown")
	case d.Day > 0 && d.Day > daysIn(d.Year, d.Month):
		return bad("%s %d has %d days", time.Month(d.Month), d.Year, daysIn(d.Year, d.Month))
	}
	ny, nm, nd := now.Date()
	switch {
	case d.Year > ny,
		d.Year == ny && d.Month > int(nm),
		d.Year == ny && d.Month == int(nm) && d.Day > nd:
		return bad("the date is in the future")
	}
	return d, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateMatch says how two dates of birth compare.
type DateMatch uint8

// The ways dates of birth compare, from the closest.
const (
	DateExact           DateMatch = iota // both complete and equal
	DateCompatible                       // equal where both are known, at least one partial
	DateDayMonthSwapped                  // same year, day and month exchanged (03-12 and 12-03)
	DateOffByOneYear                     // years one apart, month and day agree where known
	DateDigitTypo                        // one digit differs, or two adjacent digits swapped (1985, 1958)
	DateDifferent                        // none of the above
	DateMissing                          // one date or both unknown
)

var dateMatchNames = [...]string{"exact", "compatible", "day and month swapped", "one year apart", "one digit differs", "different", "missing"}

// String returns the comparison's name as shown to officers.
func (m DateMatch) String() string {
	if int(m) < len(dateMatchNames) {
		return dateMatchNames[m]
	}
	return fmt.Sprintf("DateMatch(%d)", uint8(m))
}

// CompareDates compares two dates of birth; the first case that applies,
// in the order of the DateMatch constants, is returned.
func CompareDates(a, b Date) DateMatch {
	if a.IsZero() || b.IsZero() {
		return DateMissing
	}
	agree := func(x, y int) bool { return x == 0 || y == 0 || x == y }
	monthDayAgree := agree(a.Month, b.Month) && (a.Month == 0 || b.Month == 0 || agree(a.Day, b.Day))
	switch {
	case a == b && a.Complete():
		return DateExact
	case a.Year == b.Year && monthDayAgree:
		return DateCompatible
	case a.Year == b.Year && (swappedAgree(a, b) || swappedAgree(b, a)):
		return DateDayMonthSwapped
	case (a.Year-b.Year == 1 || b.Year-a.Year == 1) && monthDayAgree:
		return DateOffByOneYear
	case digitTypo(a, b):
		return DateDigitTypo
	}
	return DateDifferent
}

// swappedAgree reports whether complete date a, read with day and month
// exchanged, agrees with b where b is known (b's month at least).
func swappedAgree(a, b Date) bool {
	return a.Complete() && b.Month != 0 && a.Day == b.Month && (b.Day == 0 || a.Month == b.Day)
}

// digitTypo reports whether the digits both dates know (the year, and the
// month and day where both have them) differ in one digit or by one swap
// of adjacent digits within a field.
func digitTypo(a, b Date) bool {
	var da, db [8]byte
	n := 0
	// Digits are written out by hand: this runs for every candidate of an
	// index query, where fmt was a third of the time.
	put := func(x, y, width int) {
		for i := width - 1; i >= 0; i-- {
			da[n+i], db[n+i] = byte('0'+x%10), byte('0'+y%10)
			x, y = x/10, y/10
		}
		n += width
	}
	put(a.Year, b.Year, 4)
	if a.Month != 0 && b.Month != 0 {
		put(a.Month, b.Month, 2)
		if a.Day != 0 && b.Day != 0 {
			put(a.Day, b.Day, 2)
		}
	}
	var diffs [8]int
	diff := diffs[:0]
	for i := range n {
		if da[i] != db[i] {
			diff = append(diff, i)
		}
	}
	switch len(diff) {
	case 1:
		return true
	case 2:
		i, j := diff[0], diff[1]
		sameField := i/4 == j/4 && (i < 4 || (i-4)/2 == (j-4)/2)
		return j == i+1 && sameField && da[i] == db[j] && da[j] == db[i]
	}
	return false
}
