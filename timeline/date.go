package timeline

import (
	"fmt"
	"strconv"
	"time"
)

// day is a calendar day, at midnight UTC. Only its date part means anything.
type day = time.Time

func mkday(y, m, d int) day { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// span is the set of days an expression may refer to, both ends included.
type span struct{ from, to day }

func daySpan(d day) span { return span{d, d} }

func monthSpan(y, m int) span { return span{mkday(y, m, 1), mkday(y, m+1, 0)} }

func yearSpan(y int) span { return span{mkday(y, 1, 1), mkday(y, 12, 31)} }

func decadeSpan(y int) span { return span{mkday(y, 1, 1), mkday(y+9, 12, 31)} }

// Date is a calendar date known to the precision the text supports.
type Date struct {
	// Year is always set. Month (1–12) and Day (1–31) are 0 when unknown.
	Year, Month, Day int
	// Decade marks "the 1990s": the ten years from Year.
	Decade bool
}

// String formats d as YYYY, YYYY-MM or YYYY-MM-DD, or as "1990s" for a decade.
func (d Date) String() string {
	switch {
	case d.Decade:
		return fmt.Sprintf("%04ds", d.Year)
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// span returns the days d covers.
func (d Date) span() span {
	switch {
	case d.Decade:
		return decadeSpan(d.Year)
	case d.Month == 0:
		return yearSpan(d.Year)
	case d.Day == 0:
		return monthSpan(d.Year, d.Month)
	}
	return daySpan(mkday(d.Year, d.Month, d.Day))
}

// ParseDate reads a date written as YYYY, YYYY-MM or YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	bad := fmt.Errorf("%q is not a date like 2019-05-31 (or 2019-05, 2019)", s)
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) != len(layout) {
			continue
		}
		t, err := time.Parse(layout, s)
		if err != nil {
			return Date{}, bad
		}
		d := Date{Year: t.Year()}
		if len(layout) > 4 {
			d.Month = int(t.Month())
		}
		if len(layout) > 7 {
			d.Day = t.Day()
		}
		return d, nil
	}
	return Date{}, bad
}

// maxSpillDays is how far a span may cross New Year and still be dated to
// the year holding the rest of it: "this week" in a week that straddles
// two years, or written in a year whose last days are possible.
const maxSpillDays = 7

// dateOf returns the most precise Date that contains all of s: a day, a
// month or a year. A span crossing New Year by at most maxSpillDays on one
// side is dated to the year of the other side. It reports false for a
// span too wide to date.
func dateOf(s span) (Date, bool) {
	fy, fm, fd := s.from.Date()
	ty, tm, _ := s.to.Date()
	switch {
	case s.from.Equal(s.to):
		return Date{Year: fy, Month: int(fm), Day: fd}, true
	case fy == ty && fm == tm:
		return Date{Year: fy, Month: int(fm)}, true
	case fy == ty:
		return Date{Year: fy}, true
	case ty == fy+1:
		before := days(span{s.from, mkday(fy, 12, 31)})
		after := days(span{mkday(ty, 1, 1), s.to})
		switch {
		case after <= maxSpillDays && after < before:
			return Date{Year: fy}, true
		case before <= maxSpillDays && before < after:
			return Date{Year: ty}, true
		}
	}
	return Date{}, false
}

// days counts the days in s.
func days(s span) int { return int(s.to.Sub(s.from).Hours()/24) + 1 }

// isoDate reads YYYY-MM-DD, checking that the day exists.
func isoDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:])
	if err1 != nil || err2 != nil || err3 != nil || !validDay(y, m, d) {
		return Date{}, false
	}
	return Date{Year: y, Month: m, Day: d}, true
}

func validDay(y, m, d int) bool {
	return m >= 1 && m <= 12 && d >= 1 && d <= mkday(y, m+1, 0).Day()
}
