package server

import (
	"net/http"
	"net/url"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// dashboard is the cycle's cruscotto at the figures' period (or the one the
// "al" parameter chooses): achievement overall and per centre, objectives
// by band and by self-assessed status, indicators, late activities and
// submissions, each count linked to the list of objectives behind it. The
// figures are those of the cycle page (evaluateAsOf); the counts use the
// list's own predicates (bandOf, statusOf, anyLate, anyMissing), so a count
// and its list agree. One read, the cycle's (the submissions are the
// cycle's own, as the review's overview shows them).
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	if err := evaluateAsOf(r, c); err != nil {
		return err
	}
	v := dashboardView(c, rights(r))
	// The legal calendar (the Relazione's lifecycle, report_lifecycle.go).
	versions, err := s.store.ReportVersions(r.Context(), c.Year)
	if err != nil {
		return err
	}
	v.Deadlines = cycleDeadlines(c, versions)
	s.render(w, r, http.StatusOK, pages.Dashboard(v))
	return nil
}

// dashboardView counts the cycle's figures (evaluated) for the dashboard.
func dashboardView(c *plan.Cycle, may pages.Rights) pages.DashboardView {
	v := pages.DashboardView{Cycle: c, May: may}
	// A link to the list of objectives filtered by key=value, at the
	// dashboard's period so that the list counts what the dashboard counts.
	list := func(key, value string) string {
		q := url.Values{key: {value}}
		if !c.AsOf.IsZero() {
			q.Set("al", c.AsOf.Format(time.DateOnly))
		}
		return paths.Objectives(c.Year) + "?" + q.Encode()
	}
	v.Bars = append(v.Bars, pages.Bar{Label: "Complessivo dell'ente", Value: c.Achievement, Pending: c.Pending, Href: paths.AsOfOrPlain(paths.Cycle(c.Year), c.AsOf)})
	for _, ce := range c.Centres {
		v.Bars = append(v.Bars, pages.Bar{Label: ce.Name, Value: ce.Achievement, Pending: ce.Pending, Href: paths.AsOfOrPlain(paths.Centre(c.Year, ce.ID), c.AsOf)})
	}

	bands := map[string]int{}
	statuses := map[string]int{}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			v.Objectives++
			bands[bandOf(o)]++
			statuses[statusOf(c, o)]++
			if anyLate(c, o) {
				v.Late.Count++
				for _, a := range o.Activities {
					if domain.Late(a.Planned, actualAt(a, c.AsOf), c.Year, c.AsOf) {
						v.LateActivities++
					}
				}
			}
			if anyMissing(o) {
				v.Missing.Count++
			}
			for _, in := range o.Indicators {
				switch {
				case in.Neutralised != nil:
					v.Indicators.Neutralised++
				case in.Pending:
					v.Indicators.Pending++
				case in.Missing:
					v.Indicators.Missing++
				case c.Bands.Of(in.Achievement) == domain.Reached:
					v.Indicators.Met++
				default:
					v.Indicators.NotMet++
				}
			}
		}
	}
	for _, b := range []string{string(domain.Reached), string(domain.PartlyReached), string(domain.NotReached), pages.BandPending} {
		v.Bands = append(v.Bands, pages.CountLink{Label: b, Count: bands[b], Href: list("esito", b)})
	}
	v.NoFigure = bands[""]
	for _, st := range []string{string(domain.OnTrack), string(domain.AtRisk), string(domain.Critical), pages.StatusNone} {
		v.Statuses = append(v.Statuses, pages.CountLink{Label: st, Count: statuses[st], Href: list("stato", st)})
	}
	v.Late.Label, v.Late.Href = "Obiettivi con attività in ritardo", list("ritardo", "si")
	v.Missing.Label, v.Missing.Href = "Obiettivi con indicatori mancanti", list("mancanti", "si")
	v.ReachedFrom = c.Bands.Reached

	// Submissions at the dashboard's period: the state each centre's
	// submission is in, linked to the centre's page of the period.
	for _, p := range c.Periods {
		if !p.EndsOn.Equal(c.AsOf) {
			continue
		}
		v.SubmissionPeriod = p.EndsOn
		for _, ce := range c.Centres {
			st := plan.Draft
			if sub := ce.SubmissionAt(p.EndsOn); sub != nil {
				st = sub.State
			}
			v.Submissions = append(v.Submissions, pages.SubmissionRow{Centre: ce.Name, State: st.Label(),
				Href: paths.Submission(c.Year, p.ID, ce.ID)})
		}
	}
	return v
}
