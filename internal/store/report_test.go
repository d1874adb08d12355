package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// TestStore_ValidateReport: a decision freezes only the files of the data
// as its transaction reads them (the data changed since the JSON was made:
// ErrReportMoved, nothing saved); the schema refuses bytes that are not a
// PDF and a hash that is not the bytes' (the server's tests cover the
// decisions that succeed, with the real PDF).
func TestStore_ValidateReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	c, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SendReport(ctx, store.CLI, 2023, nil, ""); err == nil {
		t.Fatal("a report sent on a plan not approved")
	}
	if err := st.ApprovePlan(ctx, store.CLI, 2023, c.Version, "Delibera n. 3", time.Date(2023, time.January, 20, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if n, _, err := st.SendReport(ctx, store.CLI, 2023, []string{"un punto aperto"}, ""); err != nil || n != 1 {
		t.Fatalf("SendReport = %d, %v", n, err)
	}
	encode := func(c *plan.Cycle) ([]byte, error) {
		var b bytes.Buffer
		err := interchange.Encode(&b, c, domain.Today(time.Now()))
		return b.Bytes(), err
	}
	before := export(t, st, 2023)
	// A decision that succeeds needs the real PDF (the server's tests make
	// it with Chromium): here every decision is refused before its PDF is
	// stored, whatever bytes it carries.
	val := store.Validation{Outcome: plan.ReportValidated, On: domain.Today(time.Now()), TextHTML: "<p>Validata.</p>",
		PDF: []byte("%PDF-"), JSON: before, Export: encode}

	// The data change between the export and the decision.
	_, _, o := objectiveOf(t, st, "AREA DIREZIONE", 2)
	in := o.Indicators[2]
	if err := st.SetMeasure(ctx, at(store.Change{Actor: store.CLI}, in.Version), in.ID, store.Measure{
		Neutralised: &plan.Neutralisation{Reason: "Norma abrogata", By: "nucleo"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ValidateReport(ctx, store.CLI, 2023, 1, val); !errors.Is(err, store.ErrReportMoved) {
		t.Fatalf("a decision on data changed meanwhile: %v, want ErrReportMoved", err)
	}
	val.JSON = export(t, st, 2023)
	val.PDF = []byte("<html>not a PDF</html>")
	var conflict *store.Conflict
	if _, err := st.ValidateReport(ctx, store.CLI, 2023, 1, val); !errors.As(err, &conflict) || errors.Is(err, store.ErrReportMoved) {
		t.Fatalf("bytes that are not a PDF: %v, want a refusal", err)
	}
	vs, err := st.ReportVersions(ctx, 2023)
	if err != nil || len(vs) != 1 || vs[0].State != plan.ReportSent || vs[0].PDFSHA256 != "" {
		t.Fatalf("after two refusals: %+v, %v", vs, err)
	}
	pool := st.Pool()
	if _, err := pool.Exec(ctx, `INSERT INTO report_versions (cycle_id, number, state, sent_by_name, validated_on, validated_at,
		validated_by_name, validation_html, pdf, pdf_sha256, json, json_sha256)
		VALUES ($1, 9, 'validata', 'x', now(), now(), 'x', '<p>x</p>', '%PDF-x'::bytea, repeat('0', 64), '{}'::bytea, repeat('0', 64))`, c.ID); err == nil {
		t.Error("the database took a hash that is not the bytes'")
	}
}
