package report_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"traguardo/internal/report"
)

// largeModel is the 2023 demo report with its centres repeated until it
// holds at least n objectives (renamed), as a plan of that size would read.
func largeModel(b *testing.B, n int) *report.Model {
	b.Helper()
	m, _ := demoReportB(b, 2023)
	base := m.Centres
	for i := 2; m.Cycle != nil && countObjectives(m) < n; i++ {
		for _, ce := range base {
			c := ce
			c.Name = fmt.Sprintf("%s %d", ce.Name, i)
			c.Anchor = fmt.Sprintf("%s-%d", ce.Anchor, i)
			c.Objectives = append([]report.Objective(nil), ce.Objectives...)
			for j := range c.Objectives {
				c.Objectives[j].Anchor = fmt.Sprintf("%s-%d", c.Objectives[j].Anchor, i)
			}
			m.Centres = append(m.Centres, c)
		}
	}
	return m
}

func countObjectives(m *report.Model) int {
	n := 0
	for _, ce := range m.Centres {
		n += len(ce.Objectives)
	}
	return n
}

// BenchmarkPDF_400Objectives prints the report of a plan of about 400
// objectives (the demo's 18 repeated) to PDF with Chromium.
func BenchmarkPDF_400Objectives(b *testing.B) {
	m := largeModel(b, 400)
	b.ReportMetric(float64(countObjectives(m)), "objectives")
	for b.Loop() {
		pdf, err := report.PDF(context.Background(), m)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(pdf)))
	}
}

// BenchmarkHTML_400Objectives renders the HTML of the same report.
func BenchmarkHTML_400Objectives(b *testing.B) {
	m := largeModel(b, 400)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := report.HTML(context.Background(), &buf, m, report.HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
