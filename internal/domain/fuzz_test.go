package domain_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
)

// FuzzParseMonth: a month that reads writes back as the same text, and is
// one of the twelve months of a year in range.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2023-05", "2024-12", "1900-01", "2200-12", "2023-13", "2023-00", "2023-5", " 2023-05", "２０２３-05", "+023-05", "-023-05"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := domain.ParseMonth(s)
		if err != nil {
			return
		}
		if got := m.String(); got != s {
			t.Fatalf("ParseMonth(%q).String() = %q", s, got)
		}
		if m.Month < 1 || m.Month > 12 || m.Year < 1900 || m.Year > 2200 {
			t.Fatalf("ParseMonth(%q) = %+v", s, m)
		}
		if back, err := domain.ParseMonth(m.String()); err != nil || back != m {
			t.Fatalf("ParseMonth(%q) = %+v, %v; want %+v", m.String(), back, err, m)
		}
	})
}

// demoSpans are the spans of the demo's activities, planned and actual, as
// "from", "to" (empty when absent) and annual.
func demoSpans(f *testing.F) [][3]string {
	var doc struct {
		Centres []struct {
			Objectives []struct {
				Activities []struct {
					Planned  json.RawMessage `json:"planned"`
					Progress []struct {
						Actual json.RawMessage `json:"actual"`
					} `json:"progress"`
				} `json:"activities"`
			} `json:"objectives"`
		} `json:"centres"`
	}
	if err := json.NewDecoder(bytes.NewReader(demo.Cycle2023())).Decode(&doc); err != nil {
		f.Fatal(err)
	}
	var out [][3]string
	add := func(raw json.RawMessage) {
		var s struct {
			From, To *string
			Annual   bool
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			f.Fatal(err)
		}
		v := [3]string{"", "", ""}
		if s.From != nil {
			v[0] = *s.From
		}
		if s.To != nil {
			v[1] = *s.To
		}
		if s.Annual {
			v[2] = "annual"
		}
		out = append(out, v)
	}
	for _, c := range doc.Centres {
		for _, o := range c.Objectives {
			for _, a := range o.Activities {
				add(a.Planned)
				for _, p := range a.Progress {
					add(p.Actual)
				}
			}
		}
	}
	return out
}

// FuzzSpanLabel builds a span from two month fields (as a form or a file
// gives them) and checks its label: every valid span reads as something,
// names its months in Italian, and carries the year of a month of another
// year than the cycle's. The corpus starts from the demo's spans and the
// labels of docs/domain.md's table (the seed's "Tempi").
func FuzzSpanLabel(f *testing.F) {
	for _, s := range demoSpans(f) {
		f.Add(s[0], s[1], s[2] == "annual", 2023)
	}
	f.Add("2023-05", "2023-05", false, 2023)
	f.Add("2023-12", "2024-04", false, 2023)
	f.Add("2023-07", "", false, 2023)
	f.Add("", "2023-07", false, 2023)
	f.Add("", "", true, 2023)
	f.Add("", "", false, 2023)
	f.Fuzz(func(t *testing.T, from, to string, annual bool, year int) {
		var s domain.Span
		s.Annual = annual
		for _, p := range []struct {
			in  string
			out **domain.Month
		}{{from, &s.From}, {to, &s.To}} {
			if p.in == "" {
				continue
			}
			m, err := domain.ParseMonth(p.in)
			if err != nil {
				return
			}
			*p.out = &m
		}
		label := s.Label(year)
		if label == "" {
			t.Fatalf("%+v.Label(%d) is empty", s, year)
		}
		if s.Validate() != nil {
			return
		}
		switch {
		case annual:
			if label != "Annuale" {
				t.Fatalf("annual span labelled %q", label)
			}
		case s.From == nil && s.To == nil:
			if label != "/" {
				t.Fatalf("empty span labelled %q", label)
			}
		}
		for _, m := range []*domain.Month{s.From, s.To} {
			if m == nil || annual {
				continue
			}
			if !strings.Contains(label, domain.MonthName(m.Month)) {
				t.Fatalf("%s–%s labelled %q: no %s", from, to, label, domain.MonthName(m.Month))
			}
			if m.Year != year && !strings.Contains(label, m.String()[:4]) {
				t.Fatalf("%s–%s in cycle %d labelled %q: the year %d is missing", from, to, year, label, m.Year)
			}
		}
	})
}
