package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// objectivesPerPage bounds the filtered list of objectives: a plan of 400
// objectives reads as eight pages, each a few screens.
const objectivesPerPage = 50

// centreShow is the page of one centre of the cycle: its figure and its
// objectives, grouped by section.
func (s *Server) centreShow(w http.ResponseWriter, r *http.Request) error {
	c, ce, err := s.centreTarget(r)
	if err != nil {
		return err
	}
	if err := evaluateAsOf(r, c); err != nil {
		return err
	}
	v := pages.CentreView{Cycle: c, Centre: ce, May: rights(r),
		Trend: centreTrend(c, ce, domain.Today(time.Now())), Gantt: centreGantt(c, ce)}
	prev, pce, err := s.previousYear(r.Context(), c, ce)
	if err != nil {
		return err
	}
	if prev != nil {
		v.PreviousYear, v.PreviousCentre, v.PreviousRules, v.PreviousAsOf = prev.Year, pce, prev.Rules, prev.AsOf
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
	s.render(w, r, http.StatusOK, pages.CentrePage(v))
	return nil
}

// objectivesList is the list of the cycle's objectives that pass the
// filters of the query (see pages.ObjectiveFilter), a page at a time.
func (s *Server) objectivesList(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	if err := evaluateAsOf(r, c); err != nil {
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
	v := pages.ObjectivesView{Cycle: c, May: rights(r), Filter: f}
	for _, ce := range c.Centres {
		v.Centres = append(v.Centres, pages.Option{Value: strconv.FormatInt(int64(ce.ID), 10), Label: ce.Name})
		for _, o := range ce.Objectives {
			if !slices.Contains(v.Sections, o.Section) {
				v.Sections = append(v.Sections, o.Section)
			}
			if matches(f, c, ce, o) {
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

// matches reports whether objective o of centre ce passes every filter of
// f, with the cycle's figures evaluated (its AsOf period).
func matches(f pages.ObjectiveFilter, c *plan.Cycle, ce *plan.Centre, o *plan.Objective) bool {
	if f.Centre != "" && f.Centre != strconv.FormatInt(int64(ce.ID), 10) {
		return false
	}
	if f.Section != "" && f.Section != o.Section {
		return false
	}
	if f.Band != "" && f.Band != bandOf(o) {
		return false
	}
	if f.Status != "" && f.Status != statusOf(c, o) {
		return false
	}
	if f.Late && !anyLate(c, o) {
		return false
	}
	if f.Missing && !anyMissing(o) {
		return false
	}
	if f.Q != "" && !strings.Contains(strings.ToLower(o.Title), strings.ToLower(f.Q)) {
		return false
	}
	return true
}

// bandOf is the objective's band as the filter names it: its band, "da
// rilevare" when pending, empty when it has no figure.
func bandOf(o *plan.Objective) string {
	if o.Pending {
		return pages.BandPending
	}
	return string(o.Band)
}

// anyLate reports whether an activity of o is late at the cycle's AsOf
// period, with its actual months as known then: those saved at the period,
// else the latest saved before it.
func anyLate(c *plan.Cycle, o *plan.Objective) bool {
	if c.AsOf.IsZero() {
		return false
	}
	for _, a := range o.Activities {
		if domain.Late(a.Planned, actualAt(a, c.AsOf), c.Year, c.AsOf) {
			return true
		}
	}
	return false
}

func actualAt(a *plan.Activity, day time.Time) domain.Span {
	if p := progressAsOf(a, day); p != nil {
		return p.Actual
	}
	return domain.Span{}
}

// progressAsOf is the activity's progress as known at period day: the one
// saved at the period, else the latest saved before it; nil when none.
func progressAsOf(a *plan.Activity, day time.Time) *plan.Progress {
	if p := a.ProgressAt(day); p != nil {
		return p
	}
	return a.LatestBefore(day)
}

// anyMissing reports whether an indicator of o that counts has no value at
// the figures' period (flagged "mancante" by the evaluation).
func anyMissing(o *plan.Objective) bool {
	for _, in := range o.Indicators {
		if in.Neutralised == nil && in.Missing {
			return true
		}
	}
	return false
}

// statusOf is the objective's self-assessed status in its report at the
// cycle's AsOf period as the filter names it: pages.StatusNone without one.
func statusOf(c *plan.Cycle, o *plan.Objective) string {
	if rep := o.ReportAt(c.AsOf); rep != nil && rep.Status != "" {
		return string(rep.Status)
	}
	return pages.StatusNone
}
