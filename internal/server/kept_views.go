package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/layout"
	"traguardo/web/pages"
)

// The pages of the cycle, of a centre and of an objective are drawn once
// per data version, day, period and what else decides their content (the
// reader's rights; for the objective, which entry link the reader gets;
// the cycle before's data version, whose results they show), and kept
// compressed (keptView): a request reads the data version, finds its page
// kept and draws only the layout around it (the user's name, the menu,
// the flash message, the forms' owner token), as the dashboard does. The
// cycle they read is the kept one evaluated at the period asked, shared
// read-only (sharedCycle): no copy of it per request.

// keptView is a page's content drawn and compressed once, with its frame
// (title, breadcrumb); shared read-only.
type keptView struct {
	frame layout.Page
	main  *keptPart
}

// keepView draws main once (it must not read the request's context) and
// keeps it packed with its frame.
func keepView(frame layout.Page, main templ.Component) (*keptView, error) {
	p, err := packComponent(main)
	if err != nil {
		return nil, err
	}
	return &keptView{frame: frame, main: p}, nil
}

// renderView writes a kept page: the layout of this request around the
// kept content.
func (s *Server) renderView(w http.ResponseWriter, r *http.Request, v *keptView) {
	s.renderKept(w, r, http.StatusOK, v.main, func(here templ.Component) templ.Component {
		return pages.Framed(v.frame, here)
	})
}

// periodParam is the "al" parameter (the period of the figures) as a key:
// "" for the default period, else the date it names, whatever was typed;
// not a date is not found (a date that ends no period fails later, in
// evaluateAt).
func periodParam(r *http.Request) (string, error) {
	al := r.URL.Query().Get("al")
	if al == "" {
		return "", nil
	}
	day, err := time.Parse(time.DateOnly, al)
	if err != nil {
		return "", notFound("Periodo non valido.")
	}
	return day.Format(time.DateOnly), nil
}

// sharedCycle is the snapshot's cycle evaluated at the period al (see
// periodParam) on today, computed once per data version, day and period
// and shared read-only by every request: a page that only reads the cycle
// reads it without a copy. A day that ends no period of the cycle is not
// found.
func sharedCycle(snap *store.Snapshot, al string, today time.Time) (*plan.Cycle, error) {
	v, err := snap.Figures(today, "cycle al="+al, func(c *plan.Cycle) (any, error) {
		if err := evaluateAt(c, al, today); err != nil {
			return nil, err
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*plan.Cycle), nil
}

// readCycle is the cycle of the URL's year at the period the request asks
// (?al=), shared read-only (sharedCycle), with its snapshot and the
// period's key.
func (s *Server) readCycle(r *http.Request) (*store.Snapshot, *plan.Cycle, string, error) {
	snap, c, al, _, err := s.readCycleAt(r, false)
	return snap, c, al, err
}

// readCycleAt is readCycle; with before, it names the data version of the
// cycle of the year before too (store.CycleVersion), read in the same
// statement as the year's.
func (s *Server) readCycleAt(r *http.Request, before bool) (snap *store.Snapshot, c *plan.Cycle, al, prev string, err error) {
	year, err := yearParam(r)
	if err != nil {
		return nil, nil, "", "", err
	}
	if al, err = periodParam(r); err != nil {
		return nil, nil, "", "", err
	}
	if before {
		snap, prev, err = s.store.SnapshotAndBefore(r.Context(), year)
	} else {
		snap, err = s.store.Snapshot(r.Context(), year)
	}
	if err != nil {
		return nil, nil, "", "", err
	}
	if c, err = sharedCycle(snap, al, s.today()); err != nil {
		return nil, nil, "", "", err
	}
	return snap, c, al, prev, nil
}

// viewKey is the key of a kept page: the page, the period and the
// reader's rights (every field of pages.Rights, named), then what else
// decides the page.
func viewKey(page, al string, may pages.Rights, more ...any) string {
	return fmt.Sprintf("%s al=%s may=%+v %v", page, al, may, more)
}

// chosen is the period of c's figures when the request chose it (al is
// not ""), zero when the page shows the default one: the links to the
// cycle's other pages keep a period chosen.
func chosen(al string, c *plan.Cycle) time.Time {
	if al == "" {
		return time.Time{}
	}
	return c.AsOf
}
