package store_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// benchScale is the plan of make bench (internal/bench's default): 400
// objectives over 40 centres, about 1,900 activities and 1,400 indicators
// with a value at each of four periods.
var benchScale = demo.Scale{Objectives: 400, Centres: 40, Users: 200}

// maxImportStatements is the most statements the import of the benchmark's
// plan may send: a fixed number, whatever the size of the plan.
const maxImportStatements = 200

// countingStore is a store on a fresh database whose pool counts its
// statements with the benchmark's counter.
func countingStore(tb testing.TB) (*store.Store, *db.Counter) {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	counter := &db.Counter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return store.New(pool), counter
}

// scaledCycle reads doc (the benchmark's scaled document) as a cycle of
// year (0: the document's own).
func scaledCycle(tb testing.TB, doc []byte, year int) *plan.Cycle {
	tb.Helper()
	c, err := interchange.ReadWith(bytes.NewReader(doc), richtext.NewPolicy(), interchange.Options{Year: year})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// addEveryKind gives the scaled cycle what the scaled document lacks, so
// that every table the import writes gets rows: intermediate targets,
// overrides of every period and of one period, a neutralisation, values
// not measurable, a delay's reason, a returned submission, weights and a
// rounding rule.
func addEveryKind(c *plan.Cycle) {
	day := func(i int) time.Time { return c.Periods[i].EndsOn }
	w := 2.5
	c.Rules.Rounding = domain.TruncateWhole
	for k, ce := range c.Centres {
		if k%7 == 0 {
			ce.Submissions = append(ce.Submissions, plan.Submission{Period: day(3), State: plan.Returned, Comment: "Completare i valori."})
		}
		for j, o := range ce.Objectives {
			if j == 0 {
				o.Weight = &w
			}
			for i, in := range o.Indicators {
				switch (k + j + i) % 5 {
				case 0:
					target := in.Expected // a si/no target is 0 or 1
					if in.Unit != domain.UnitYesNo {
						target /= 2
					}
					in.Targets = append(in.Targets, plan.Target{Period: day(1), Value: target})
				case 1:
					in.Overrides = append(in.Overrides, plan.PeriodOverride{Period: day(1), Pct: 42.5, Reason: "Dato corretto dal direttore."})
				case 2:
					in.Override = &plan.Override{Pct: 77, Reason: "Stabilito dal direttore."}
				case 3:
					in.Neutralised = &plan.Neutralisation{Reason: "Servizio sospeso.", By: "nucleo"}
					in.Weight = &w
				case 4:
					for v := range in.Values {
						if v == 2 {
							in.Values[v] = plan.Value{Period: in.Values[v].Period, NotMeasurable: true, Reason: "Fonte non disponibile."}
						}
					}
				}
			}
			for i, a := range o.Activities {
				if i == 0 && len(a.Progress) > 0 {
					a.Progress[len(a.Progress)-1].Reason = "Ritardo del fornitore."
				}
			}
		}
	}
}

// encodeAt is the v1 document of c with its figures as of the day after
// its year: every entry window closed.
func encodeAt(tb testing.TB, c *plan.Cycle) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := interchange.Encode(&buf, c, time.Date(c.Year+1, time.February, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestStore_ImportCycle_BenchScale: the plan of make bench, with a row of
// every kind the import writes, goes in with at most maxImportStatements
// statements (queries, batched queries and COPYs alike), and the cycle
// loaded back is the cycle imported: the same v1 document, figures and all.
func TestStore_ImportCycle_BenchScale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	doc, sizes, err := demo.ScaledDocument(benchScale)
	if err != nil {
		t.Fatal(err)
	}
	want := scaledCycle(t, doc, 0)
	addEveryKind(want)
	got := scaledCycle(t, doc, 0)
	addEveryKind(got)

	st, counter := countingStore(t)
	before := counter.N()
	if _, err := st.ImportCycle(ctx, store.CLI, got); err != nil {
		t.Fatal(err)
	}
	n := counter.N() - before
	// The statement triggers of every table written name the new cycle,
	// whose counters start at 1 with its row: they move once, for the
	// whole transaction, at its commit (migration 000018).
	var data, plan int64
	if err := st.Pool().QueryRow(ctx, `SELECT v.data, v.plan FROM cycle_versions v JOIN cycles c ON c.id = v.cycle_id WHERE c.year = $1`,
		got.Year).Scan(&data, &plan); err != nil {
		t.Fatal(err)
	}
	if data != 2 || plan != 2 {
		t.Errorf("the new cycle's versions are data %d, plan %d: want both 2 (1 at its creation, one step at the commit)", data, plan)
	}
	if n > maxImportStatements {
		t.Errorf("the import of %s sent %d statements, want at most %d", sizes, n, maxImportStatements)
	} else {
		t.Logf("the import of %s sent %d statements", sizes, n)
	}

	loaded, err := st.LoadCycle(ctx, want.Year)
	if err != nil {
		t.Fatal(err)
	}
	if n, m := loaded.Count(), want.Count(); n != m || n.Objectives != benchScale.Objectives {
		t.Fatalf("loaded %+v, imported %+v", n, m)
	}
	// The entry windows are the database's (the document has none).
	if len(loaded.Periods) != len(want.Periods) {
		t.Fatalf("%d periods loaded, %d imported", len(loaded.Periods), len(want.Periods))
	}
	for i := range want.Periods {
		want.Periods[i].OpensOn, want.Periods[i].ClosesOn = loaded.Periods[i].OpensOn, loaded.Periods[i].ClosesOn
	}
	a, b := encodeAt(t, want), encodeAt(t, loaded)
	if !bytes.Equal(a, b) {
		i := firstDifference(a, b)
		t.Fatalf("the cycle loaded back differs from the one imported at byte %d:\nimported …%s…\nloaded   …%s…",
			i, excerpt(a, i), excerpt(b, i))
	}

	// The ids the import gave the items are the ids they were stored with.
	for k, ce := range got.Centres {
		if ce.ID != loaded.Centres[k].ID || ce.CentreID != loaded.Centres[k].CentreID {
			t.Fatalf("centre %d: ids %d/%d given, %d/%d stored", k, ce.ID, ce.CentreID, loaded.Centres[k].ID, loaded.Centres[k].CentreID)
		}
		for j, o := range ce.Objectives {
			lo := loaded.Centres[k].Objectives[j]
			if o.ID != lo.ID || o.Activities[0].ID != lo.Activities[0].ID || o.Indicators[0].ID != lo.Indicators[0].ID {
				t.Fatalf("centre %d objective %d: ids given differ from the stored ones", k, j)
			}
		}
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func excerpt(b []byte, i int) string {
	return string(b[max(0, i-80):min(len(b), i+80)])
}

// BenchmarkImportCycle400 imports the plan of make bench (400 objectives,
// 40 centres, values at 4 periods) as a new cycle, reporting the statements
// each import sends. Run it with -benchtime=Nx, N at most 70 (one year
// each, 2030 on).
func BenchmarkImportCycle400(b *testing.B) {
	ctx := context.Background()
	doc, _, err := demo.ScaledDocument(benchScale)
	if err != nil {
		b.Fatal(err)
	}
	st, counter := countingStore(b)
	var statements int64
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		c := scaledCycle(b, doc, 2030+i)
		runtime.GC() // the garbage of reading the document is not the import's
		before := counter.N()
		b.StartTimer()
		if _, err := st.ImportCycle(ctx, store.CLI, c); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		statements += counter.N() - before
		b.StartTimer()
	}
	b.ReportMetric(float64(statements)/float64(b.N), "statements/op")
}
