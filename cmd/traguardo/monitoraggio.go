package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// writeMonitoring writes the mid-year monitoring report of year at period
// (YYYY-MM-DD; empty: 30/06, see plan.Cycle.MidYearPeriod) as HTML or PDF,
// to out or stdout: the same model and document the server serves.
func writeMonitoring(ctx context.Context, st *store.Store, policy *richtext.Policy, year int, period, format, out string, stdout io.Writer) error {
	var day time.Time
	if period != "" {
		var err error
		if day, err = time.Parse(time.DateOnly, period); err != nil {
			return fmt.Errorf("--period %q: indicare la data di fine del periodo come AAAA-MM-GG", period)
		}
	}
	m, err := report.BuildMonitoring(ctx, st, year, day, domain.Today(time.Now()), policy)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("il ciclo %d non esiste", year)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "html":
		err = report.MonitoringHTML(ctx, &buf, m, report.MonitoringOptions{})
	case "pdf":
		var pr report.Printable
		if pr, err = report.MonitoringPrintable(ctx, m); err == nil {
			err = appendTo(&buf)(report.PrintHTML(ctx, pr))
		}
	default:
		return fmt.Errorf("unknown format %q for the mid-year report: html or pdf", format)
	}
	return writeDocument(format, err, buf.Bytes(), out, stdout)
}
