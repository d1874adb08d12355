package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// line is one page's figures as the run prints them.
func (s *Stats) line() string {
	if s.Skipped != "" {
		return fmt.Sprintf("%-42s skipped: %s", s.Name, s.Skipped)
	}
	out := fmt.Sprintf("%-42s %4d clients %7.1f req/s  p50 %9s  p99 %9s  %5.1f SQL/req  %s on the wire (%s)",
		s.Name, s.Clients, s.PerSecond, ms(s.P50), ms(s.P99), s.Statements, kb(s.Wire), kb(s.Raw))
	if s.Ceiling != nil {
		out += fmt.Sprintf("  ceiling (same bytes gzipped once) %.0f req/s, ratio %.2f", s.Ceiling.PerSecond, s.Ratio())
	}
	if s.Errors > 0 {
		out += fmt.Sprintf("  %d ERRORS (%s)", s.Errors, s.FirstError)
	}
	return out
}

// Target is a goal of issues 12 and 20 and whether the run met it.
type Target struct {
	What string
	Got  string
	Met  bool
}

// PDFBudget is what printing the Relazione of 400 objectives (about 1,200
// A4 pages) may take: a download that a director waits for once, since the
// server keeps the last PDF while the report is unchanged.
const PDFBudget = 60 * time.Second

// OfficeBudget and OfficeMemory bound the DOCX and the ODT of the Relazione
// of 400 objectives (issue 20): the conversion's time (pandoc's package
// and the body written here; the chart, drawn by Chromium before, is
// shown beside it) and its peak memory (pandoc's resident memory plus this
// process's heap).
const (
	OfficeBudget = 5 * time.Second
	OfficeMemory = 300 << 20
)

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// line is the figures of o for the run's log and table.
func (o *OfficeTiming) line() string {
	if o == nil {
		return "-"
	}
	return fmt.Sprintf("%s (grafico %s), %s + %s", ms(o.Total), ms(o.Chart), mb(o.PandocRSS), mb(o.OurHeap))
}

// Page p99 limits (issue 20): the dashboard's, the Relazione's (a page of
// megabytes) and every other page's.
const (
	DashboardP99 = 50 * time.Millisecond
	ReportP99    = 300 * time.Millisecond
	PageP99      = 100 * time.Millisecond
)

// Targets checks the run against the goals of issues 12 and 20.
func (r *Result) Targets() []Target {
	var out []Target
	for _, s := range r.Pages {
		if s.Skipped != "" {
			continue
		}
		limit := PageP99
		switch {
		case strings.HasPrefix(s.Name, "Cruscotto"):
			limit = DashboardP99
			out = append(out, Target{What: "Cruscotto: almeno 1/4 del soffitto (stessi byte compressi una volta)", Got: fmt.Sprintf("%.2f", s.Ratio()), Met: s.Ratio() >= 0.25})
		case strings.HasPrefix(s.Name, "Relazione"):
			limit = ReportP99
		}
		out = append(out, Target{What: fmt.Sprintf("%s: p99 < %s", s.Name, ms(limit)), Got: ms(s.P99), Met: s.P99 < limit && s.Errors == 0})
		out = append(out, Target{What: fmt.Sprintf("%s: ≤ 10 istruzioni SQL", s.Name), Got: fmt.Sprintf("%.1f", s.Statements), Met: s.Statements <= 10})
	}
	if r.Save != nil {
		out = append(out, Target{What: fmt.Sprintf("Salvataggio, %d responsabili: p99 < 200 ms", r.Save.Clients), Got: ms(r.Save.P99), Met: r.Save.P99 < 200*time.Millisecond && r.Save.Errors == 0})
	}
	out = append(out, Target{What: "Prima visita < 400 KB (con i font)", Got: kb(r.FirstVisit.Wire), Met: r.FirstVisit.Wire < 400*1024})
	at := map[int]ReportTiming{}
	for _, t := range r.Reports {
		at[t.Objectives] = t
	}
	if t, ok := at[400]; ok {
		out = append(out, Target{What: "Relazione HTML, 400 obiettivi: < 500 ms", Got: ms(t.HTML), Met: t.HTML < 500*time.Millisecond})
		if t.PDF > 0 {
			out = append(out, Target{What: "Relazione PDF, 400 obiettivi: < " + ms(PDFBudget), Got: ms(t.PDF), Met: t.PDF < PDFBudget})
		}
		if t.DOCX != nil && t.ODT != nil {
			// The conversion: the chart, drawn by the Chromium that prints
			// the PDF, is timed beside it.
			worst := max(t.DOCX.Total-t.DOCX.Chart, t.ODT.Total-t.ODT.Chart)
			chart := max(t.DOCX.Chart, t.ODT.Chart)
			mem := max(t.DOCX.Memory(), t.ODT.Memory())
			out = append(out, Target{What: "DOCX/ODT, 400 obiettivi: < 5 s e < 300 MB", Got: ms(worst) + " (+ grafico " + ms(chart) + "), " + mb(mem),
				Met: worst < OfficeBudget && mem < OfficeMemory})
		}
		// Linear: four times the objectives, at most five times the time.
		if u, ok := at[1600]; ok && t.HTML > 0 {
			f := float64(u.HTML) / float64(t.HTML)
			out = append(out, Target{What: "Relazione HTML da 400 a 1600 obiettivi: crescita lineare (≤ 5×)", Got: fmt.Sprintf("%.1f×", f), Met: f <= 5})
		}
		if u, ok := at[1600]; ok && t.DOCX != nil && u.DOCX != nil {
			f := float64(u.DOCX.Total-u.DOCX.Chart) / float64(t.DOCX.Total-t.DOCX.Chart)
			out = append(out, Target{What: "DOCX (senza il grafico) da 400 a 1600 obiettivi: crescita lineare (≤ 5×)", Got: fmt.Sprintf("%.1f×", f), Met: f <= 5})
		}
	}
	return out
}

// Print writes the figures as a plain table.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "\nPlan: %s\n", r.Sizes)
	fmt.Fprintf(w, "Machine: %s, %d cores, %s, %s\n\n", r.Machine.CPU, r.Machine.Cores, r.Machine.Go, r.Machine.PostgreSQL)
	for _, s := range r.Pages {
		fmt.Fprintln(w, s.line())
	}
	for _, s := range []*Stats{r.Save, r.Import} {
		if s != nil {
			fmt.Fprintln(w, s.line())
		}
	}
	fmt.Fprintf(w, "First visit: %s\n", r.FirstVisit)
	if r.ReportNote != "" {
		fmt.Fprintf(w, "Report build time: %s\n", r.ReportNote)
	}
	for _, t := range r.Reports {
		fmt.Fprintf(w, "Report at %d objectives: HTML %s (%s), PDF %s (%s), DOCX %s, ODT %s\n", t.Objectives, ms(t.HTML), kb(t.HTMLBytes), ms(t.PDF), kb(t.PDFBytes),
			t.DOCX.line(), t.ODT.line())
	}
	fmt.Fprintln(w)
	for _, t := range r.Targets() {
		mark := "ok  "
		if !t.Met {
			mark = "MISS"
		}
		fmt.Fprintf(w, "%s %-60s %s\n", mark, t.What, t.Got)
	}
}

// Markdown writes the figures as the body of BENCHMARKS.md (the figures
// only: the notes around them are the caller's).
func (r *Result) Markdown(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "Run of %s UTC on %s, %d cores (%s), %s, %s beside the application.\n\n",
		r.Started.UTC().Format("2006-01-02 15:04"), m.CPU, m.Cores, m.OS, m.Go, m.PostgreSQL)
	fmt.Fprintf(w, "Plan: %s (cycle %d). Each page driven for %s by %d signed-in clients at once; the save by %d managers at once.\n\n",
		r.Sizes, 2023, r.Options.Duration, r.Options.Readers, r.Options.Savers)
	fmt.Fprintf(w, "The ceiling is the same process serving each page's bytes from memory, gzipped once (level %d), with the page's headers: no session, no database, no drawing, no compression per request. The ratio is the page's req/s over the ceiling's.\n\n", CeilingLevel)
	fmt.Fprintln(w, "| page | clients | req/s | p50 | p99 | SQL/req | on the wire | uncompressed | ceiling (gzipped once) req/s | ratio to it |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range append(append([]*Stats{}, r.Pages...), r.Save, r.Import) {
		if s == nil {
			continue
		}
		if s.Skipped != "" {
			fmt.Fprintf(w, "| %s (`%s`) | | | | | | | | | %s |\n", s.Name, s.Path, s.Skipped)
			continue
		}
		ceiling, ratio := "", ""
		if s.Ceiling != nil {
			ceiling, ratio = fmt.Sprintf("%.0f", s.Ceiling.PerSecond), fmt.Sprintf("%.2f", s.Ratio())
		}
		errs := ""
		if s.Errors > 0 {
			errs = fmt.Sprintf(" (%d errors: %s)", s.Errors, s.FirstError)
		}
		fmt.Fprintf(w, "| %s (`%s`)%s | %d | %.1f | %s | %s | %.1f | %s | %s | %s | %s |\n", s.Name, s.Path, errs, s.Clients, s.PerSecond,
			ms(s.P50), ms(s.P99), s.Statements, kb(s.Wire), kb(s.Raw), ceiling, ratio)
	}
	fmt.Fprintf(w, "\nFirst visit (sign-in page, then the dashboard, with every stylesheet, script and image they link, and every font `fonts.css` declares but those whose `unicode-range` holds no character of the two pages): %d files, %s on the wire, of which %d fonts, %s (an upper bound: a browser fetches only the faces a page's text is drawn in; woff2, already compressed); %s uncompressed. Static files: `Cache-Control: %s`.\n",
		r.FirstVisit.Files, kb(r.FirstVisit.Wire), r.FirstVisit.FontFiles, kb(r.FirstVisit.Fonts), kb(r.FirstVisit.Raw), r.FirstVisit.CacheControl)
	fmt.Fprintf(w, "\n### Report build time\n\n")
	if r.ReportNote != "" {
		fmt.Fprintf(w, "%s\n\n", r.ReportNote)
	}
	fmt.Fprintln(w, "| objectives | HTML (read, assemble, write) | HTML size | PDF (Chromium) | PDF size |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|")
	for _, t := range r.Reports {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", t.Objectives, ms(t.HTML), kb(t.HTMLBytes), ms(t.PDF), kb(t.PDFBytes))
	}
	fmt.Fprintln(w, "\nDOCX and ODT: the whole (the chart drawn by Chromium, the package made by pandoc from a sample, the body written in Go), the chart alone, and the conversion's peak memory: pandoc's peak resident memory plus this process's heap above what it held before.")
	fmt.Fprintln(w, "\n| objectives | DOCX | of which the chart | DOCX size | DOCX memory (pandoc + ours) | ODT | of which the chart | ODT size | ODT memory (pandoc + ours) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, t := range r.Reports {
		row := fmt.Sprintf("| %d", t.Objectives)
		for _, o := range []*OfficeTiming{t.DOCX, t.ODT} {
			if o == nil {
				row += " | | | | "
				continue
			}
			row += fmt.Sprintf(" | %s | %s | %s | %s + %s", ms(o.Total), ms(o.Chart), kb(o.Bytes), mb(o.PandocRSS), mb(o.OurHeap))
		}
		fmt.Fprintln(w, row+" |")
	}
	fmt.Fprintf(w, "\n### Targets\n\n| target | measured | met |\n|---|---:|---|\n")
	for _, t := range r.Targets() {
		met := "sì"
		if !t.Met {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.What, t.Got, met)
	}
}
