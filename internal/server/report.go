package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The Relazione sulla Performance: assembled by internal/report from the
// cycle, shown as one HTML document for the screen and for print, and the
// same model as PDF, DOCX, ODT, XLSX and CSV. Every reader of the cycle
// reads it; the director writes its texts and checks it.

// buildReport assembles the report of the cycle named by the URL.
func (s *Server) buildReport(r *http.Request) (*report.Model, error) {
	year, err := yearParam(r)
	if err != nil {
		return nil, err
	}
	return report.Build(r.Context(), s.store, year)
}

// reportLinks are the formats of the report to download; one whose tool
// is not installed here says what to install instead of a link.
func reportLinks(year int) []report.Link {
	_, chromium := report.FindChromium()
	_, pandoc := report.FindPandoc()
	link := func(label, ext string, missing error, install string) report.Link {
		if missing != nil {
			return report.Link{Label: label, Note: "non disponibile su questo server: " + install}
		}
		return report.Link{Label: label, Href: paths.ReportFile(year, ext)}
	}
	return []report.Link{
		link("PDF", "pdf", chromium, report.InstallChromium),
		link("Word (DOCX)", "docx", pandoc, report.InstallPandoc),
		link("LibreOffice (ODT)", "odt", pandoc, report.InstallPandoc),
		{Label: "Indicatori in Excel (XLSX)", Href: paths.ReportFile(year, "xlsx")},
		{Label: "Indicatori in CSV (per Excel)", Href: paths.ReportFile(year, "csv")},
		{Label: "Ciclo in JSON (formato v1)", Href: paths.Cycle(year) + "/export.json"},
	}
}

// reportShow is the Relazione as one HTML page. Its body (all but the
// head, the toolbar and the notice of a provisional report) is the same
// for every reader of a cycle at a data version on a day: it is drawn and
// gzipped once and kept (keptReport); each request draws the rest, with
// the reader's toolbar.
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	// The report is a document of its own, not a page of the layout: the
	// message left by the form that came back here (the texts' save) is
	// read here, or it would wait for the next page of the layout. It is
	// drawn outside the kept body.
	o := report.HTMLOptions{StyleHref: "/static/" + report.StylePath, Back: paths.Cycle(year), Links: reportLinks(year)}
	k, err := s.keptReport(r.Context(), year, o)
	if err != nil {
		return err
	}
	if auth.Allowed(auth.UserFrom(r.Context()), auth.ApprovePlan, 0) {
		o.Actions = []report.Link{{Label: "Scrivi i testi della relazione", Href: paths.ReportTexts(year)},
			{Label: "Verifica la relazione", Href: paths.ReportCheck(year)}}
	}
	o.Flash = s.popFlash(w, r)
	return writeKept(w, r, http.StatusOK, "text/html; charset=utf-8", k.body, func(out io.Writer, here templ.Component) error {
		o.Main = here
		return report.HTML(r.Context(), out, k.model, o)
	})
}

// keptReport is the Relazione of year assembled on today, its body drawn
// with o (what every reader's page has: no actions) and gzipped, kept with
// the kept cycle: for its data version and day (store.CycleFigures). What
// the report reads besides the cycle (report.Inputs: the texts, the
// variations, the versions) moves the cycle's data version too (migration
// 000021), so it is read here, once, after the version: never older than
// the version the report is kept for.
func (s *Server) keptReport(ctx context.Context, year int, o report.HTMLOptions) (*drawnReport, error) {
	today := s.today()
	k, err := s.store.CycleFigures(ctx, year, today, "relazione", func(c *plan.Cycle) (any, error) {
		in, err := report.ReadInputs(context.WithoutCancel(ctx), s.store, year)
		if err != nil {
			return nil, err
		}
		m := in.Assemble(c, s.policy, today)
		var body bytes.Buffer
		if err := report.HTMLMain(context.Background(), &body, m, o); err != nil {
			return nil, err
		}
		kept, err := keepPart(body.Bytes(), keptLevel)
		if err != nil {
			return nil, err
		}
		return &drawnReport{model: m, body: kept}, nil
	})
	if err != nil {
		return nil, err
	}
	return k.(*drawnReport), nil
}

// drawnReport is a Relazione assembled, with its body drawn and gzipped;
// shared read-only.
type drawnReport struct {
	model *report.Model
	body  *keptPart
}

// missingTool is the page of a format whose converter is not installed.
func missingTool(format, install string) error {
	return &httpError{status: http.StatusServiceUnavailable, title: "Formato non disponibile",
		message: fmt.Sprintf("Il formato %s non è disponibile su questo server: %s. La relazione in HTML si stampa dal browser.", format, install)}
}

// documentLane is the queue of the documents the user of r asks for: the
// director (who writes and sends the report) and the Nucleo (who
// validates it) never wait behind the other roles' exports.
func documentLane(r *http.Request) report.Lane {
	if u := auth.UserFrom(r.Context()); u != nil && (u.Role == auth.Director || u.Role == auth.Evaluator) {
		return report.PriorityLane
	}
	return report.SharedLane
}

// reportFile serves the report in the format ext.
func (s *Server) reportFile(ext string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		m, err := s.buildReport(r)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("relazione-performance-%d.%s", m.Year, ext)
		var b []byte
		var ctype string
		switch ext {
		case "pdf":
			b, err = s.docs.PDF(r.Context(), m, documentLane(r))
			if errors.Is(err, report.ErrNoChromium) {
				return missingTool("PDF", report.InstallChromium)
			}
			ctype = "application/pdf"
		case report.DOCX, report.ODT:
			b, err = s.docs.Office(r.Context(), m, ext, documentLane(r))
			if errors.Is(err, report.ErrNoPandoc) {
				return missingTool(strings.ToUpper(ext), report.InstallPandoc)
			}
			ctype = map[string]string{report.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				report.ODT: "application/vnd.oasis.opendocument.text"}[ext]
		case "xlsx":
			b, err = report.XLSX(m)
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			name = fmt.Sprintf("indicatori-%d.xlsx", m.Year)
		case "csv":
			var buf bytes.Buffer
			err = report.CSV(&buf, m)
			b, ctype, name = buf.Bytes(), "text/csv; charset=utf-8", fmt.Sprintf("indicatori-%d.csv", m.Year)
		default:
			return notFound("Formato non previsto.")
		}
		if err != nil {
			return err
		}
		sendFile(w, ctype, name, b)
		return nil
	}
}

// reportTextsRecord is the texts as the form shows them, by the store's
// field names.
func reportTextsRecord(t store.ReportTexts) stored {
	l := pages.ReportTextLabels
	return stored{version: t.Version, fields: []recordField{
		{"introduction_html", l["introduction_html"], t.Introduction},
		{"context_html", l["context_html"], t.Context},
		{"gender_html", l["gender_html"], t.Gender},
		{"process_html", l["process_html"], t.Process},
	}}
}

// reportTexts is the director's form of the report's free texts: rich
// text, sanitised on save (and on display), within the rich-text limit,
// versioned (a save over someone else's is refused, 409) and audited.
func (s *Server) reportTexts(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	t, err := s.store.LoadReportTexts(r.Context(), year)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("Il ciclo richiesto non esiste.")
	}
	if err != nil {
		return err
	}
	v := pages.ReportTextsView{Year: year, Errors: components.FieldErrors{},
		Form: pages.ReportTextsForm{Introduction: t.Introduction, Context: t.Context, Gender: t.Gender, Process: t.Process}}
	var next store.ReportTexts
	return s.servePlanForm(w, r, planForm{
		page:   func() templ.Component { return pages.ReportTextsEdit(v) },
		errs:   v.Errors,
		edit:   &v.Edit,
		record: reportTextsRecord(t),
		read: func(_, _ string) {
			field := func(name string) string {
				typed := strings.TrimSpace(r.PostFormValue(name))
				if msg := plan.TooLong(typed, plan.MaxRichText); msg != "" {
					v.Errors[name] = sentence(msg)
				}
				return typed
			}
			v.Form = pages.ReportTextsForm{Introduction: field("introduction_html"), Context: field("context_html"),
				Gender: field("gender_html"), Process: field("process_html")}
			clean := func(html string) string {
				html = s.policy.Sanitize(html)
				if strings.TrimSpace(tags.ReplaceAllString(html, "")) == "" {
					return "" // an editor's empty paragraph is no text
				}
				return html
			}
			next = store.ReportTexts{Introduction: clean(v.Form.Introduction), Context: clean(v.Form.Context),
				Gender: clean(v.Form.Gender), Process: clean(v.Form.Process)}
		},
		save: func(ch store.Change) (string, string, error) {
			if next.Introduction == t.Introduction && next.Context == t.Context && next.Gender == t.Gender && next.Process == t.Process {
				return paths.Report(year), "Nulla è cambiato.", nil
			}
			return paths.Report(year), "Testi della relazione salvati.", s.store.SaveReportTexts(r.Context(), ch, year, next)
		},
		conflictField: onField("introduction_html"),
	})
}

// reportCheck is the coherence check of the report: report.Check's open
// points, grouped by kind, each linked to where it is fixed.
func (s *Server) reportCheck(w http.ResponseWriter, r *http.Request) error {
	m, err := s.buildReport(r)
	if err != nil {
		return err
	}
	points := report.Check(m)
	v := pages.ReportCheckView{Year: m.Year, Open: len(points)}
	for _, k := range report.Kinds {
		g := pages.CheckGroup{Kind: k}
		for _, p := range points {
			if p.Kind == k {
				g.Points = append(g.Points, pages.CheckPoint{Where: p.Where, Text: p.Text, Href: p.Href})
			}
		}
		v.Groups = append(v.Groups, g)
	}
	s.render(w, r, http.StatusOK, pages.ReportCheck(v))
	return nil
}
