package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/components"
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
//
// The figures depend only on the cycle, the period and today: the store
// computes them once per data version, day and period (store.CycleFigures)
// and every request shares them read-only; a request adds only what is its
// own (the rights) or read apart (the Relazione's versions), and renders.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		return notFound("Anno non valido.")
	}
	today := domain.Today(time.Now())
	al := r.URL.Query().Get("al")
	if al != "" {
		// The key is a date (of a period, or build fails and nothing is
		// kept), whatever was typed.
		day, err := time.Parse(time.DateOnly, al)
		if err != nil {
			return notFound("Periodo non valido.")
		}
		al = day.Format(time.DateOnly)
	}
	shared, err := s.store.CycleFigures(r.Context(), year, today, "dashboard al="+al, func(c *plan.Cycle) (any, error) {
		if err := evaluateAt(c, al, today); err != nil {
			return nil, err
		}
		v := dashboardView(c, pages.Rights{}, today)
		// Drawn once too: the figures' HTML depends on them alone (not on
		// the request: no rights, no context of its own).
		figures, err := pages.DrawDashboardFigures(context.Background(), v)
		if err != nil {
			return nil, err
		}
		v.Figures = figures
		return &v, nil
	})
	if err != nil {
		return err
	}
	// A copy of the view: its fields of this request are set on the copy,
	// the shared figures (and the cycle) are only read.
	v := *shared.(*pages.DashboardView)
	v.May = rights(r)
	// The legal calendar (the Relazione's lifecycle, report_lifecycle.go).
	versions, err := s.store.ReportVersions(r.Context(), year)
	if err != nil {
		return err
	}
	v.Deadlines = cycleDeadlines(v.Cycle, versions)
	s.render(w, r, http.StatusOK, pages.Dashboard(v))
	return nil
}

// dashboardView counts the cycle's figures (evaluated) for the dashboard;
// today decides which periods of the trend still await their data.
func dashboardView(c *plan.Cycle, may pages.Rights, today time.Time) pages.DashboardView {
	v := pages.DashboardView{Cycle: c, May: may}
	v.Trend = cycleTrend(c, today)
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
	v.Watch = watchList(c, v)

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

// cycleTrend is the trend chart of the cycle: its achievement and each
// centre's at every period (plan.Cycle.Trend), each linked to its page.
func cycleTrend(c *plan.Cycle, today time.Time) pages.TrendView {
	if len(c.Periods) == 0 {
		return pages.TrendView{}
	}
	t := c.Trend(today)
	v := pages.TrendView{ID: "trend-chart", Title: "Andamento del grado di raggiungimento nei periodi", Rules: c.Rules, AsOf: c.AsOf}
	v.Series = append(v.Series, pages.TrendSeries{Label: "Complessivo dell'ente", Href: paths.Cycle(c.Year), Points: t.Cycle})
	for i, ce := range c.Centres {
		v.Series = append(v.Series, pages.TrendSeries{Label: ce.Name, Href: paths.Centre(c.Year, ce.ID), Points: t.Centres[i]})
	}
	return v
}

// watchLimit bounds the entries shown in each group of the watch list; the
// dashboard links the filtered lists that hold them all.
const watchLimit = 15

// watchList is what needs acting on at the cycle's AsOf period, by the
// predicates the dashboard counts with: objectives whose report says
// critico or whose band is below "raggiunto" (bandOf, statusOf), indicators
// that count and have no value (anyMissing's), activities late
// (domain.Late with actualAt, as anyLate) whose months at the period carry
// no reason, centres whose submission of the period is neither sent nor
// approved. Each entry links to where one acts: the objective's page, the
// progress form at the period (at the field), the centre's submission.
func watchList(c *plan.Cycle, v pages.DashboardView) pages.WatchList {
	var w pages.WatchList
	if c.AsOf.IsZero() {
		return w
	}
	add := func(g *pages.WatchGroup, e pages.WatchEntry) {
		g.Total++
		if len(g.Entries) < watchLimit {
			g.Entries = append(g.Entries, e)
		}
	}
	period, hasPeriod := c.PeriodAt(c.AsOf)
	at := "al " + components.Date(c.AsOf)
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			name := fmt.Sprintf("%s · obiettivo %d (%s)", ce.Name, o.Number, o.Section)
			band, status := bandOf(o), statusOf(c, o)
			below := band == string(domain.PartlyReached) || band == string(domain.NotReached)
			if below || status == string(domain.Critical) {
				var why []string
				if below {
					why = append(why, band+" ("+components.PercentBy(c.Rules, *o.Achievement)+")")
				}
				if status == string(domain.Critical) {
					why = append(why, "stato dichiarato critico")
				}
				add(&w.Objectives, pages.WatchEntry{Label: name, Detail: strings.Join(why, ", "),
					Href: paths.AsOfOrPlain(paths.Objective(c.Year, o.ID), c.AsOf)})
			}
			if !hasPeriod {
				continue
			}
			form := paths.Progress(c.Year, o.ID, period.ID)
			for i, in := range o.Indicators {
				if in.Neutralised == nil && in.Missing {
					add(&w.Indicators, pages.WatchEntry{Label: name + ", " + o.IndicatorLabel(i), Detail: "nessun valore " + at,
						Href: form + "#" + plan.ValueField(in.ID)})
				}
			}
			for i, a := range o.Activities {
				p := progressAsOf(a, c.AsOf)
				var actual domain.Span
				if p != nil {
					actual = p.Actual
				}
				if domain.Late(a.Planned, actual, c.Year, c.AsOf) && (p == nil || strings.TrimSpace(p.Reason) == "") {
					add(&w.Activities, pages.WatchEntry{Label: fmt.Sprintf("%s, attività %d", name, i+1),
						Detail: "prevista " + a.Planned.Label(c.Year) + ", effettiva " + actual.Label(c.Year) + ", senza motivo",
						Href:   form + "#" + plan.ActualReasonField(a.ID)})
				}
			}
		}
	}
	for _, b := range v.Bands {
		if (b.Label == string(domain.PartlyReached) || b.Label == string(domain.NotReached)) && b.Count > 0 {
			w.Objectives.More = append(w.Objectives.More, b)
		}
	}
	for _, st := range v.Statuses {
		if st.Label == string(domain.Critical) && st.Count > 0 {
			w.Objectives.More = append(w.Objectives.More, st)
		}
	}
	if w.Indicators.Total > 0 {
		w.Indicators.More = []pages.CountLink{v.Missing}
	}
	if w.Activities.Total > 0 {
		w.Activities.More = []pages.CountLink{v.Late}
	}
	if hasPeriod {
		for _, ce := range c.Centres {
			st := plan.Draft
			if sub := ce.SubmissionAt(period.EndsOn); sub != nil {
				st = sub.State
			}
			if st != plan.Submitted && st != plan.Approved {
				add(&w.Centres, pages.WatchEntry{Label: ce.Name, Detail: strings.ToLower(st.Label()),
					Href: paths.Submission(c.Year, period.ID, ce.ID)})
			}
		}
	}
	return w
}
