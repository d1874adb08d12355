package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/store"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The Piano della Performance: assembled by internal/report from the plan
// (report.BuildPiano), shown as one HTML document and printed to PDF by
// the Relazione's queue. Every reader of the cycle reads it.
//
// Its adopted versions are frozen (store.FreezePiano): version 1 when the
// director approves the plan, then one for the variations decided since the
// version before. The PDF is printed right after the approval's or the
// variation's transaction commits, in the same request, in the priority
// lane (the store tells the server, store.OnAdopted), not inside that
// transaction: a print takes seconds and reads the committed plan, and
// holding the cycle's lock meanwhile would stop every other change of the
// plan. So a failed print never undoes the approval or the variation: the
// version is written when a later print succeeds (the next variation's, or
// the director's "congela ora" on the Piano's page), holding everything
// decided since the last version; the write checks that the plan did not
// move while it was printed, and prints again if it did.

// pianoShow is the Piano of the URL's cycle as one HTML page, with its
// frozen versions.
func (s *Server) pianoShow(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	p, err := report.BuildPiano(r.Context(), s.store, year)
	if err != nil {
		return err
	}
	o := report.PianoOptions{StyleHrefs: []string{"/static/" + report.StylePath, "/static/" + report.PianoStylePath},
		Back: paths.Cycle(year), Flash: s.popFlash(w, r)}
	o.Links = pianoLinks(year)
	versions, err := s.store.PianoVersions(r.Context(), year)
	if err != nil {
		return err
	}
	o.Versions = pianoVersionRows(versions)
	pending, err := s.store.PianoPending(r.Context(), year)
	if err != nil {
		return err
	}
	if pending.Due() {
		o.Unfrozen = fmt.Sprintf("La versione %d del piano adottato non è ancora congelata: la stampa del PDF non è riuscita o è in corso.", pending.Next)
		if auth.Allowed(auth.UserFrom(r.Context()), auth.ApprovePlan, 0) {
			o.Freeze = paths.PianoFreeze(year)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return report.PianoHTML(r.Context(), w, p, o)
}

// pianoLinks are the formats of the Piano to download; one whose tool is
// not installed here says what to install instead of a link.
func pianoLinks(year int) []report.Link {
	_, chromium := report.FindChromium()
	_, pandoc := report.FindPandoc()
	link := func(label, ext string, missing error, install string) report.Link {
		if missing != nil {
			return report.Link{Label: label, Note: "non disponibile su questo server: " + install}
		}
		return report.Link{Label: label, Href: paths.PianoFile(year, ext)}
	}
	return []report.Link{
		link("PDF", "pdf", chromium, report.InstallChromium),
		link("Word (DOCX)", "docx", pandoc, report.InstallPandoc),
		link("LibreOffice (ODT)", "odt", pandoc, report.InstallPandoc),
	}
}

// pianoVersionRows are the frozen versions as the pages list them.
func pianoVersionRows(versions []store.PianoVersion) []report.PianoVersion {
	var out []report.PianoVersion
	for _, v := range versions {
		out = append(out, report.PianoVersion{Number: v.Number, On: format.Date(domain.Today(v.CreatedAt)), By: v.CreatedBy,
			SHA256: v.SHA256, Href: paths.TransparencyPiano(v.Year, v.Number), Changes: v.Changes})
	}
	return out
}

// pianoFile serves the Piano as it stands in the format ext: printed to
// PDF, or written as DOCX or ODT.
func (s *Server) pianoFile(ext string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		year, err := yearParam(r)
		if err != nil {
			return err
		}
		p, err := report.BuildPiano(r.Context(), s.store, year)
		if err != nil {
			return err
		}
		var b []byte
		var ctype string
		switch ext {
		case "pdf":
			pr, err := report.PianoPrintable(r.Context(), p)
			if err != nil {
				return err
			}
			b, err = s.docs.PrintHTML(r.Context(), pr, documentLane(r))
			if errors.Is(err, report.ErrNoChromium) {
				return missingTool("PDF", report.InstallChromium)
			}
			if err != nil {
				return err
			}
			ctype = "application/pdf"
		default:
			b, err = s.docs.PianoOffice(r.Context(), p, ext, documentLane(r))
			if errors.Is(err, report.ErrNoPandoc) {
				return missingTool(strings.ToUpper(ext), report.InstallPandoc)
			}
			if err != nil {
				return err
			}
			ctype = officeTypes[ext]
		}
		sendFile(w, ctype, fmt.Sprintf("piano-performance-%d.%s", year, ext), b)
		return nil
	}
}

// officeTypes are the media types of the editable documents.
var officeTypes = map[string]string{report.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	report.ODT: "application/vnd.oasis.opendocument.text"}

// pianoFreeze is the director's "congela ora": the next version of the
// adopted Piano, when a print failed.
func (s *Server) pianoFreeze(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	n, err := s.freezePiano(r.Context(), actor(auth.UserFrom(r.Context())), year)
	if err != nil {
		return err
	}
	msg := "Non c'è una nuova versione del piano da congelare."
	if n > 0 {
		msg = fmt.Sprintf("Versione %d del piano adottato congelata.", n)
	}
	s.seeOther(w, r, paths.Piano(year), msg)
	return nil
}

// pianoAdopted is told by the store of an approval or a variation of the
// plan of year, committed (store.OnAdopted): it freezes the Piano's next
// version, in the request. A failure is logged and left for later (see
// above): the change it follows stands.
func (s *Server) pianoAdopted(ctx context.Context, year int) {
	a := store.Actor{Name: "sistema"}
	if u := auth.UserFrom(ctx); u != nil {
		a = actor(u)
	}
	// The version is frozen even if the director's browser leaves
	// meanwhile, within the queue's own limits.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pianoFreezeTime)
	defer cancel()
	if _, err := s.freezePiano(ctx, a, year); err != nil {
		// Not an error of the request: the change stands, and the version
		// waits for the next print (the Piano's page says so).
		s.log.Warn("piano: version not frozen, left for a later print", "year", year, "err", err)
	}
}

// pianoFreezeTime bounds the freezing of a version after a change.
const pianoFreezeTime = 3 * time.Minute

// pianoAttempts is how many times a version is printed when the plan
// moves while it is printed.
const pianoAttempts = 3

// freezePiano writes the next version of the adopted Piano of year if one
// is due: its number, 0 when none is due.
func (s *Server) freezePiano(ctx context.Context, a store.Actor, year int) (int, error) {
	for range pianoAttempts {
		due, err := s.store.PianoPending(ctx, year)
		if err != nil || !due.Due() {
			return 0, err
		}
		c, err := s.store.LoadCycle(ctx, year)
		if err != nil {
			return 0, err
		}
		changes := pianoChanges(due, c)
		p, err := report.BuildPiano(ctx, s.store, year)
		if err != nil {
			return 0, err
		}
		pr, err := report.PianoPrintable(ctx, p.Frozen(due.Next, changes))
		if err != nil {
			return 0, err
		}
		pdf, err := s.docs.PrintHTML(ctx, pr, report.PriorityLane)
		if err != nil {
			return 0, err
		}
		n, err := s.store.FreezePiano(ctx, a, due, changes, pdf)
		if errors.Is(err, store.ErrPianoMoved) {
			continue
		}
		return n, err
	}
	return 0, store.ErrPianoMoved
}

// pianoChanges are what the version due changes, in words: the approval
// for the first, then each variation since the version before (its date,
// the element, what changed and why), worded as the list of variations
// words it (describeVariation).
func pianoChanges(due store.PianoState, c *plan.Cycle) []string {
	var out []string
	if due.Next == 1 {
		line := "Piano adottato con " + due.ApprovalAct
		if due.ApprovedOn != nil {
			line += " (in data " + format.Date(*due.ApprovedOn) + ")"
		}
		out = append(out, line+".")
	}
	subjects := planSubjects(c)
	for _, v := range due.Since {
		row := describeVariation(v.VariationEntry, subjects)
		line := format.Date(v.On) + " – " + row.What + ": " + strings.ToLower(row.Action)
		if len(row.Changes) > 0 {
			line += " (" + strings.Join(row.Changes, "; ") + ")"
		}
		out = append(out, line+". Motivazione: "+v.Reason)
	}
	return out
}

// pianoTransparency adds the frozen versions of every adopted Piano to the
// public index v: one statement whatever the number of years.
func (s *Server) pianoTransparency(r *http.Request, v *pages.TransparencyIndexView) error {
	versions, err := s.store.PianoVersionsAll(r.Context())
	if err != nil {
		return err
	}
	for _, ver := range versions {
		if v.Organisation == "" {
			v.Organisation = ver.Organisation
		}
		n := len(v.Piani)
		if n == 0 || v.Piani[n-1].Year != ver.Year {
			v.Piani = append(v.Piani, pages.PianoPublicYear{Year: ver.Year})
			n++
		}
		v.Piani[n-1].Versions = append(v.Piani[n-1].Versions, pages.PianoPublicVersion{Number: ver.Number,
			On: format.Date(domain.Today(ver.CreatedAt)), Changes: ver.Changes, SHA256: ver.SHA256,
			Href: paths.TransparencyPiano(ver.Year, ver.Number)})
	}
	return nil
}

// publicPianoFile serves the frozen PDF of a version of an adopted Piano
// to anyone, byte for byte and cacheable for good, like a validated
// Relazione's (publicReportFile): without a session, its refusals plain
// text.
func (s *Server) publicPianoFile(w http.ResponseWriter, r *http.Request) {
	year, okY := yearText(chi.URLParam(r, "year"))
	number, okN := parseNumber(chi.URLParam(r, "n"))
	if !okY || !okN {
		http.Error(w, "File non trovato.", http.StatusNotFound)
		return
	}
	f, err := s.store.PianoFile(r.Context(), year, number)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "La versione richiesta del piano non esiste.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "Errore del server", http.StatusInternalServerError)
		return
	}
	serveFrozen(w, r, f, fmt.Sprintf("piano-%d-v%d.pdf", year, number), "public")
}
