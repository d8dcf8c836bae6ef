package mrz

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// Date is a date of a machine-readable zone, where parts may be unknown:
// a zero Month means the month and day are unknown, a zero Day the day, and
// a zero Year the whole date.
type Date struct {
	Year, Month, Day int
}

// String returns the date as "YYYY-MM-DD", "YYYY-MM" or "YYYY" according to
// the parts known, or "" when the date is unknown.
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
// "YYYY-MM", "YYYY" or "". It checks the form, not that the date exists;
// Build does that.
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
	return secunion.Errorf(secunion.Invalid, "mrz: date %q is not YYYY-MM-DD, YYYY-MM, YYYY or empty", text)
}

// birthYear returns the year of a birth date written yy: the latest century
// that does not put the date after now, an unknown month or day read as the
// first (see Parser).
func birthYear(yy, month, day int, now time.Time) int {
	y := now.Year()/100*100 + yy
	ny, nm, nd := now.Date()
	m, d := max(month, 1), max(day, 1)
	if y > ny || y == ny && (m > int(nm) || m == int(nm) && d > nd) {
		y -= 100
	}
	return y
}

// expiryYear returns the year of an expiry date written yy: the year in
// (now−50, now+50] (see Parser).
func expiryYear(yy int, now time.Time) int {
	y := now.Year()/100*100 + yy
	switch {
	case y > now.Year()+50:
		y -= 100
	case y <= now.Year()-50:
		y += 100
	}
	return y
}

// daysIn returns the number of days in a month (1–12, or 0 for none) of a
// year.
func daysIn(month, year int) int {
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return monthDays[month]
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
