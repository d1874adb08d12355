package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// objectivesPerPage bounds the filtered list of objectives: a plan of 400
// objectives reads as eight pages, each a few screens.
const objectivesPerPage = 50

// centreShow is the page of one centre of the cycle: its figure and its
// objectives, grouped by section. It is kept drawn per data version, day,
// period, rights and the data version of the cycle before, whose results
// it shows (kept_views.go).
func (s *Server) centreShow(w http.ResponseWriter, r *http.Request) error {
	snap, c, al, prevVersion, err := s.readCycleAt(r, true)
	if err != nil {
		return err
	}
	raw, err := idParam(r, "centre")
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Centres, func(ce *plan.Centre) bool { return ce.ID == domain.CycleCentreID(raw) })
	if i < 0 {
		return notFound("Il centro richiesto non esiste in questo ciclo.")
	}
	ce := c.Centres[i]
	ctx := context.WithoutCancel(r.Context())
	may := rights(r)
	today := s.today()
	k, err := snap.Kept(today, viewKey("centre", al, may, ce.ID), prevVersion, func() (any, error) {
		trend, err := centreTrend(snap, today, c, ce)
		if err != nil {
			return nil, err
		}
		v := pages.CentreView{Cycle: c, Centre: ce, May: may, AsOf: chosen(al, c),
			Trend: trend, Gantt: centreGantt(c, ce)}
		prev, pce, err := s.previousYear(ctx, c, ce)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			v.PreviousYear, v.PreviousCentre, v.PreviousAsOf = prev.Year, pce, prev.AsOf
			v.Previous = map[int64]*pages.PreviousResult{}
			for _, o := range ce.Objectives {
				if pr := previousResult(prev, pce, o); pr != nil {
					v.Previous[o.ID] = pr
				}
			}
		}
		for _, o := range ce.Objectives {
			i := slices.IndexFunc(v.Sections, func(g pages.SectionGroup) bool { return g.Name == o.Section })
			if i < 0 {
				v.Sections = append(v.Sections, pages.SectionGroup{Name: o.Section})
				i = len(v.Sections) - 1
			}
			v.Sections[i].Objectives = append(v.Sections[i].Objectives, o)
		}
		return keepView(pages.CentreFrame(v), pages.CentreMain(v))
	})
	if err != nil {
		return err
	}
	s.renderView(w, r, k.(*keptView))
	return nil
}

// objectivesList is the list of the cycle's objectives that pass the
// filters of the query (see pages.ObjectiveFilter), a page at a time.
// It reads the cycle shared at the period asked (sharedCycle), not a copy.
func (s *Server) objectivesList(w http.ResponseWriter, r *http.Request) error {
	_, c, al, err := s.readCycle(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := pages.ObjectiveFilter{
		Centre:  q.Get("centro"),
		Section: q.Get("sezione"),
		Band:    q.Get("esito"),
		Status:  q.Get("stato"),
		Late:    q.Get("ritardo") == "si",
		Missing: q.Get("mancanti") == "si",
		Q:       strings.TrimSpace(q.Get("q")),
		AsOf:    q.Get("al"),
	}
	pf := plan.Filter{Centre: plan.ParseCentre(f.Centre), Section: f.Section, Band: f.Band, Status: f.Status,
		Late: f.Late, Gaps: f.Missing, Q: f.Q}
	if f.Centre != "" && pf.Centre == 0 {
		pf.Centre = -1 // an id of no centre: nothing matches
	}
	v := pages.ObjectivesView{Cycle: c, May: rights(r), Filter: f, AsOf: chosen(al, c)}
	for _, ce := range c.Centres {
		v.Centres = append(v.Centres, pages.Option{Value: strconv.FormatInt(int64(ce.ID), 10), Label: ce.Name})
		for _, o := range ce.Objectives {
			if !slices.Contains(v.Sections, o.Section) {
				v.Sections = append(v.Sections, o.Section)
			}
			if pf.Matches(ce, o) {
				v.Rows = append(v.Rows, pages.ObjectiveRow{Centre: ce, Objective: o})
			}
		}
	}
	v.Total = len(v.Rows)
	v.Pages = max(1, (v.Total+objectivesPerPage-1)/objectivesPerPage)
	v.Page = 1
	if n, err := strconv.Atoi(q.Get("pagina")); err == nil && n > 1 {
		v.Page = min(n, v.Pages)
	}
	v.First = (v.Page - 1) * objectivesPerPage
	v.Rows = v.Rows[v.First:min(v.First+objectivesPerPage, v.Total)]
	pageURL := func(n int) string {
		q := r.URL.Query()
		q.Del("pagina")
		if n > 1 {
			q.Set("pagina", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return paths.Objectives(c.Year)
		}
		return paths.Objectives(c.Year) + "?" + q.Encode()
	}
	if v.Page > 1 {
		v.PrevURL = pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(v.Page + 1)
	}
	s.render(w, r, http.StatusOK, pages.Objectives(v))
	return nil
}
