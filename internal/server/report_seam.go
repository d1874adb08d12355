package server

// The two seams between the Relazione's lifecycle (sending, validation,
// freezing, publication) and the Relazione itself (internal/report, built
// in parallel): what the coherence check finds open, and the report's PDF.
// This file stands in for them until internal/report lands; at the merge it
// is replaced by calls of report.Check and of the report's PDF renderer,
// with the same two signatures. What is here is real, not a stub: the open
// points are computed from the cycle, and the PDF is printed by headless
// Chromium from the cycle's data.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/components"
)

// reportOpenPoints lists what the coherence check finds open in the
// Relazione of year before it is sent to the Nucleo: indicators without an
// actual value at the cycle's last period, gaps and delays without a reason
// (plan.ReasonsMissing), objectives without their final report. Empty when
// nothing is open.
func (s *Server) reportOpenPoints(ctx context.Context, year int) ([]string, error) {
	c, err := s.store.LoadCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	if len(c.Periods) == 0 {
		return []string{"il ciclo non ha periodi di monitoraggio"}, nil
	}
	end := c.Periods[len(c.Periods)-1].EndsOn
	c.EvaluateAt(end, domain.Today(time.Now()))
	when := end.Format("02/01/2006")
	var out []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			where := fmt.Sprintf("%s, obiettivo %d", ce.Name, o.Number)
			for i, in := range o.Indicators {
				if in.Neutralised == nil && in.ValueAt(end) == nil {
					out = append(out, fmt.Sprintf("%s: %s senza valore consuntivo al %s", where, o.IndicatorLabel(i), when))
				}
			}
			for _, m := range o.ReasonsMissing(c.Year, end, true) {
				out = append(out, where+": "+m.Message)
			}
			if r := o.ReportAt(end); r == nil || strings.TrimSpace(tags.ReplaceAllString(r.TextHTML, "")) == "" {
				out = append(out, fmt.Sprintf("%s: manca il Report al %s", where, when))
			}
		}
	}
	return out, nil
}

// renderReportPDF prints the Relazione of year as a PDF (A4, tagged, with an
// outline and "Pagina X di Y"), with headless Chromium: the cycle's figures
// at its last period, centre by centre and objective by objective, as the
// application's pages show them.
func (s *Server) renderReportPDF(ctx context.Context, year int) ([]byte, error) {
	c, err := s.store.LoadCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	if n := len(c.Periods); n > 0 {
		end := c.Periods[n-1].EndsOn
		c.EvaluateAt(end, domain.Today(time.Now()))
	}
	var doc bytes.Buffer
	if err := seamReport.Execute(&doc, seamView{c: c, sanitize: s.policy.Sanitize}); err != nil {
		return nil, fmt.Errorf("report %d: %w", year, err)
	}
	return printPDF(ctx, doc.String())
}

// seamChromium are the browsers tried, in order: Debian's
// chromium-headless-shell, then a chromium on PATH.
var seamChromium = []string{"/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell", "chromium"}

// printPDF loads doc into a fresh headless Chromium and prints it.
func printPDF(ctx context.Context, doc string) ([]byte, error) {
	var path string
	for _, p := range seamChromium {
		if full, err := exec.LookPath(p); err == nil {
			path = full
			break
		}
	}
	if path == "" {
		return nil, errors.New("no Chromium to print the PDF: install the Debian package chromium-headless-shell")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	yes := true
	fail := func(err error) ([]byte, error) { return nil, fmt.Errorf("printing the PDF with %s: %w", path, err) }
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return fail(err)
	}
	tree, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return fail(err)
	}
	if _, err := chromedp.Call(tab, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: doc}); err != nil {
		return fail(err)
	}
	res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{
		PaperWidth: 8.27, PaperHeight: 11.69, PrintBackground: &yes, DisplayHeaderFooter: &yes,
		HeaderTemplate:    `<span></span>`,
		FooterTemplate:    `<div style="font-size:8pt;width:100%;text-align:center">Pagina <span class="pageNumber"></span> di <span class="totalPages"></span></div>`,
		GenerateTaggedPDF: &yes, GenerateDocumentOutline: &yes,
	})
	if err != nil {
		return fail(err)
	}
	pdf := res.Data
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("printing the PDF: Chromium returned no PDF")
	}
	return pdf, nil
}

// seamView is the cycle as the PDF's template reads it.
type seamView struct {
	c        *plan.Cycle
	sanitize func(string) string
}

func (v seamView) Cycle() *plan.Cycle { return v.c }

func (v seamView) Rich(h string) template.HTML {
	return template.HTML(v.sanitize(h)) // sanitised by the application's policy
}

func (v seamView) Pct(p *float64, pending bool) string {
	if pending || p == nil {
		return "da rilevare"
	}
	return components.PercentBy(v.c.Rules, *p)
}

func (v seamView) Value(in *plan.Indicator) string {
	switch {
	case in.Actual != nil:
		return components.Value(in.Unit, *in.Actual)
	case in.At != nil && in.At.NotMeasurable:
		return "non rilevabile"
	}
	return "mancante"
}

func (v seamView) Achievement(in *plan.Indicator) string {
	if in.Neutralised != nil {
		return "sterilizzato: " + in.Neutralised.Reason
	}
	s := components.PercentBy(v.c.Rules, in.Achievement)
	if in.Overridden {
		s += " (stabilito dal direttore: " + in.Override.Reason + ")"
	}
	return s
}

func (v seamView) Expected(in *plan.Indicator) string { return components.Value(in.Unit, in.Expected) }

func (v seamView) Span(a *plan.Activity, planned bool) string {
	if planned {
		return a.Planned.Label(v.c.Year)
	}
	if p := a.LatestActual(); p != nil {
		return p.Actual.Label(v.c.Year)
	}
	return "/"
}

func (v seamView) Final(o *plan.Objective) template.HTML {
	if r := o.ReportAt(v.c.AsOf); r != nil {
		return v.Rich(r.TextHTML)
	}
	return ""
}

func (v seamView) AsOf() string {
	if v.c.AsOf.IsZero() {
		return ""
	}
	return v.c.AsOf.Format("02/01/2006")
}

var seamReport = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Relazione sulla Performance {{.Cycle.Year}} · {{.Cycle.Organisation}}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;line-height:1.35;color:#111}
h1{font-size:20pt;margin:0 0 .3em} h2{font-size:14pt;margin:1.2em 0 .4em;break-after:avoid} h3{font-size:11pt;margin:1em 0 .3em;break-after:avoid}
table{border-collapse:collapse;width:100%;margin:.3em 0 .8em} th,td{border:1px solid #999;padding:3px 5px;vertical-align:top;text-align:left}
th{background:#eee} .objective{break-inside:avoid-page} .cover{margin-top:30%;text-align:center;break-after:page}
</style></head><body>
<div class="cover"><h1>Relazione sulla Performance {{.Cycle.Year}}</h1><p>{{.Cycle.Organisation}}</p>
{{if .Cycle.ApprovalAct}}<p>Piano approvato con {{.Cycle.ApprovalAct}}</p>{{end}}
<p>Dati al {{.AsOf}}</p></div>
<h2>I principali risultati</h2>
<p>Grado di raggiungimento complessivo: <strong>{{$.Pct .Cycle.Achievement .Cycle.Pending}}</strong></p>
<table><thead><tr><th scope="col">Centro di responsabilità</th><th scope="col">Responsabile</th><th scope="col">Grado di raggiungimento</th></tr></thead><tbody>
{{range .Cycle.Centres}}<tr><td>{{.Name}}</td><td>{{.Manager}}</td><td>{{$.Pct .Achievement .Pending}}</td></tr>{{end}}
</tbody></table>
<h2>Performance organizzativa</h2>
{{range .Cycle.Centres}}<h2>{{.Name}}</h2><p>Responsabile: {{.Manager}}. Grado di raggiungimento: {{$.Pct .Achievement .Pending}}</p>
{{range .Objectives}}<section class="objective"><h3>{{.Section}} · Obiettivo {{.Number}}: {{.Title}}</h3>
<table><tbody>
<tr><th scope="row">Area strategica</th><td>{{.StrategicArea}}</td></tr>
<tr><th scope="row">Obiettivo operativo</th><td>{{.OperationalObjective}}</td></tr>
<tr><th scope="row">Progetto PEG</th><td>{{.PEGProject}}</td></tr>
<tr><th scope="row">Servizi interessati</th><td>{{.Services}}</td></tr>
<tr><th scope="row">Utenti finali</th><td>{{.EndUsers}}</td></tr>
<tr><th scope="row">Reti di collaborazione</th><td>{{.Networks}}</td></tr>
</tbody></table>
<h4>Descrizione obiettivo</h4>{{$.Rich .DescriptionHTML}}
<h4>Modalità di attuazione</h4>
<table><thead><tr><th scope="col">Attività</th><th scope="col">Tempi</th><th scope="col">Consuntivo</th></tr></thead><tbody>
{{range .Activities}}<tr><td>{{.Description}}</td><td>{{$.Span . true}}</td><td>{{$.Span . false}}</td></tr>{{end}}
</tbody></table>
<h4>Indicatori di risultato</h4>
<table><thead><tr><th scope="col">Indicatore</th><th scope="col">Descrizione</th><th scope="col">Unità misura</th><th scope="col">Valore atteso</th><th scope="col">Valore consuntivo</th><th scope="col">Grado</th></tr></thead><tbody>
{{range .Indicators}}<tr><td>{{.Name}}</td><td>{{.Description}}</td><td>{{.Unit}}</td><td>{{$.Expected .}}</td><td>{{$.Value .}}</td><td>{{$.Achievement .}}</td></tr>{{end}}
</tbody></table>
<p>Grado di raggiungimento dell'obiettivo: <strong>{{$.Pct .Achievement .Pending}}</strong></p>
<h4>Report al {{$.AsOf}}</h4>{{$.Final .}}
</section>{{end}}{{end}}
</body></html>`))
