package synth

import (
	"time"

	"secunion/names"
)

// calendar holds every date from names.MinYear to some years after the
// reference date, written once as text, so that records share their date
// strings instead of formatting each one. Days are numbered from
// 1 January of names.MinYear.
type calendar struct {
	today int      // the reference date's day number
	full  []string // YYYY-MM-DD by day number
	year  []uint16 // by day number
	month []uint8
	day   []uint8
	start []int    // day number of 1 January, by year − MinYear
	ym    []string // YYYY-MM by (year − MinYear)·12 + month − 1
	y     []string // YYYY by year − MinYear
}

// futureYears is how far past the reference date the calendar goes: far
// enough for the expiry of a passport issued today.
const futureYears = 12

func newCalendar(now time.Time) *calendar {
	now = now.UTC()
	last := now.Year() + futureYears
	years := last - names.MinYear + 1
	c := &calendar{start: make([]int, years), ym: make([]string, 12*years), y: make([]string, years)}
	days := 0
	for y := names.MinYear; y <= last; y++ {
		c.start[y-names.MinYear] = days
		days += 365
		if leap(y) {
			days++
		}
	}
	c.year, c.month, c.day = make([]uint16, days), make([]uint8, days), make([]uint8, days)
	c.full = make([]string, days)

	// One string holds all the text; each date is a slice of it.
	buf := make([]byte, 0, days*10+years*(12*7+4))
	n := 0
	for y := names.MinYear; y <= last; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= daysIn(y, m); d++ {
				c.year[n], c.month[n], c.day[n] = uint16(y), uint8(m), uint8(d)
				n++
				buf = appendDate(buf, y, m, d)
			}
		}
	}
	for y := names.MinYear; y <= last; y++ {
		for m := 1; m <= 12; m++ {
			buf = appendDate(buf, y, m, 0)
		}
		buf = appendDate(buf, y, 0, 0)
	}
	text := string(buf)
	for i := range days {
		c.full[i] = text[10*i : 10*i+10]
	}
	off := days * 10
	for yi := range years {
		for m := range 12 {
			c.ym[yi*12+m] = text[off : off+7]
			off += 7
		}
		c.y[yi] = text[off : off+4]
		off += 4
	}
	c.today = c.index(now.Year(), int(now.Month()), now.Day())
	return c
}

// index returns the day number of a complete date.
func (c *calendar) index(y, m, d int) int {
	n := c.start[y-names.MinYear] + d - 1
	for mm := 1; mm < m; mm++ {
		n += daysIn(y, mm)
	}
	return n
}

// date writes a date of birth that may be partial (m or d 0).
func (c *calendar) date(y, m, d int) string {
	switch {
	case m == 0:
		return c.y[y-names.MinYear]
	case d == 0:
		return c.ym[(y-names.MinYear)*12+m-1]
	}
	return c.full[c.index(y, m, d)]
}

// yearStart returns the day number of 1 January of y.
func (c *calendar) yearStart(y int) int { return c.start[y-names.MinYear] }

func appendDate(b []byte, y, m, d int) []byte {
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	if m > 0 {
		b = append(b, '-', byte('0'+m/10), byte('0'+m%10))
	}
	if d > 0 {
		b = append(b, '-', byte('0'+d/10), byte('0'+d%10))
	}
	return b
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if leap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
