package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"traguardo/internal/format"

	"github.com/a-h/templ"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// dashboard is the cycle's cruscotto at the figures' period (or the one the
// "al" parameter chooses): achievement overall and per centre, objectives
// by band and by self-assessed status, indicators, late activities and
// submissions, each count linked to the list of objectives behind it. The
// figures are those of the cycle page (evaluateAt); the counts are the
// model's (plan.Cycle.Tally), whose predicates the list filters by
// (plan.Filter), so a count and its list agree. One read, the cycle's (the submissions are the
// cycle's own, as the review's overview shows them).
//
// The figures depend only on the cycle, the period and today: the store
// computes them once per data version, day and period (store.CycleFigures)
// and every request shares them read-only, with the calendar (the
// Relazione's versions move the cycle's data version too); a request adds
// only what is its own (the rights) and renders the page around the
// figures, which are drawn and gzipped once too (writeKept).
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	today := s.today()
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
	// The calendar's versions of the Relazione move the cycle's data
	// version too (migration 000021): read with the figures, kept with them.
	ctx := r.Context()
	shared, err := s.store.CycleFigures(ctx, year, today, "dashboard al="+al, func(c *plan.Cycle) (any, error) {
		if err := evaluateAt(c, al, today); err != nil {
			return nil, err
		}
		v := dashboardView(c, pages.Rights{}, today)
		versions, err := s.store.ReportVersions(context.WithoutCancel(ctx), year)
		if err != nil {
			return nil, err
		}
		// The legal calendar (the Relazione's lifecycle, report_lifecycle.go).
		v.Deadlines = cycleDeadlines(v.Cycle, versions, today)
		// Drawn and compressed once too: the figures' HTML depends on them
		// alone (not on the request: no rights, no context of its own).
		figures, err := pages.DrawDashboardFigures(context.Background(), v)
		if err != nil {
			return nil, err
		}
		kept, err := keepComponent(figures)
		if err != nil {
			return nil, err
		}
		return &keptDashboard{view: v, figures: kept}, nil
	})
	if err != nil {
		return err
	}
	// A copy of the view: its fields of this request are set on the copy,
	// the shared figures (and the cycle) are only read. The page around
	// the figures is this request's; the figures go as kept, compressed
	// once.
	k := shared.(*keptDashboard)
	v := k.view
	v.May = rights(r)
	s.renderKept(w, r, http.StatusOK, k.figures, func(here templ.Component) templ.Component {
		v.Figures = here
		return pages.Dashboard(v)
	})
	return nil
}

// keptDashboard is the dashboard's part shared by every request at a data
// version, day and period: its view without the request's fields, and its
// figures drawn and compressed once.
type keptDashboard struct {
	view    pages.DashboardView
	figures *keptPart
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
	v.Bars = append(v.Bars, pages.Bar{Label: "Complessivo dell'ente", Figure: c.Figure, Parts: format.Centres, Href: paths.AsOfOrPlain(paths.Cycle(c.Year), c.AsOf)})
	for _, ce := range c.Centres {
		v.Bars = append(v.Bars, pages.Bar{Label: ce.Name, Figure: ce.Figure, Parts: format.Objectives, Href: paths.AsOfOrPlain(paths.Centre(c.Year, ce.ID), c.AsOf)})
	}

	t := c.Tally()
	v.Objectives = t.Objectives
	v.Unsent = t.Unsent
	v.LateActivities = t.LateActivities
	v.Late.Count, v.Missing.Count = t.Late, t.Gaps
	v.Indicators = pages.IndicatorCounts{Met: t.Indicators.Met, NotMet: t.Indicators.NotMet, Unjudged: t.Indicators.Unjudged, Missing: t.Indicators.Missing,
		Pending: t.Indicators.Pending, Neutralised: t.Indicators.Neutralised}
	for _, b := range plan.BandKeys() {
		v.Bands = append(v.Bands, pages.CountLink{Label: b, Count: t.ByBand[b], Href: list("esito", b)})
	}
	v.NoFigure = t.ByBand[""]
	for _, st := range plan.StatusKeys() {
		v.Statuses = append(v.Statuses, pages.CountLink{Label: st, Count: t.ByStatus[st], Href: list("stato", st)})
	}
	v.Late.Label, v.Late.Href = "Obiettivi con attività in ritardo", list("ritardo", "si")
	v.Missing.Label, v.Missing.Href = "Obiettivi con indicatori mancanti", list("mancanti", "si")
	v.ReachedFrom = c.Bands.Reached
	v.Watch = watchList(c, v)

	// Submissions at the dashboard's period: the state each centre's
	// submission is in (the model's), linked to the centre's page of the
	// period.
	if p, ok := c.PeriodAt(c.AsOf); ok {
		v.SubmissionPeriod = p.EndsOn
		for _, ce := range c.Centres {
			v.Submissions = append(v.Submissions, pages.SubmissionRow{Centre: ce.Name, State: plan.StateLabel(ce.State, ce.Missed),
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
	v := pages.TrendView{ID: "trend-chart", Title: "Andamento del grado di raggiungimento nei periodi", AsOf: c.AsOf}
	v.Series = append(v.Series, pages.TrendSeries{Label: "Complessivo dell'ente", Href: paths.Cycle(c.Year), Points: t.Cycle})
	for i, ce := range c.Centres {
		v.Series = append(v.Series, pages.TrendSeries{Label: ce.Name, Href: paths.Centre(c.Year, ce.ID), Points: t.Centres[i]})
	}
	return v
}

// watchLimit bounds the entries shown in each group of the watch list; the
// dashboard links the filtered lists that hold them all.
const watchLimit = 15

// watchList writes the model's watch list (plan.Cycle.Watch) at the
// cycle's AsOf period: each entry named, said why and linked to where one
// acts on it (the objective's page, the progress form at the field, the
// centre's submission), at most watchLimit a group with the filtered lists
// that hold them all.
func watchList(c *plan.Cycle, v pages.DashboardView) pages.WatchList {
	var w pages.WatchList
	add := func(g *pages.WatchGroup, e pages.WatchEntry) {
		g.Total++
		if len(g.Entries) < watchLimit {
			g.Entries = append(g.Entries, e)
		}
	}
	period, _ := c.PeriodAt(c.AsOf)
	at := "al " + format.Date(c.AsOf)
	name := func(it plan.WatchItem) string {
		return fmt.Sprintf("%s · obiettivo %d (%s)", it.Centre.Name, it.Objective.Number, it.Objective.Section)
	}
	model := c.Watch()
	for _, it := range model.Objectives {
		o := it.Objective
		var why []string
		if o.Below() {
			why = append(why, string(o.Band)+" ("+format.Percent(*o.Achievement)+")")
		}
		if o.Status == domain.Critical {
			why = append(why, "stato dichiarato critico")
		}
		add(&w.Objectives, pages.WatchEntry{Label: name(it), Detail: strings.Join(why, ", "),
			Href: paths.AsOfOrPlain(paths.Objective(c.Year, o.ID), c.AsOf)})
	}
	for _, it := range model.Indicators {
		in := it.Objective.Indicators[it.Indicator]
		detail := "nessun valore " + at
		if in.NotMeasurable() {
			detail = "non rilevabile " + at
			if r := strings.TrimSpace(in.At.Reason); r != "" {
				detail += ": " + r
			}
		}
		add(&w.Indicators, pages.WatchEntry{Label: name(it) + ", " + it.Objective.IndicatorLabel(it.Indicator), Detail: detail,
			Href: paths.Progress(c.Year, it.Objective.ID, period.ID) + "#" + plan.ValueField(in.ID)})
	}
	for _, it := range model.Activities {
		a := it.Objective.Activities[it.Activity]
		add(&w.Activities, pages.WatchEntry{Label: fmt.Sprintf("%s, attività %d", name(it), it.Activity+1),
			Detail: "prevista " + a.Planned.Label(c.Year) + ", effettiva " + a.Known.Actual.Label(c.Year) + ", senza motivo",
			Href:   paths.Progress(c.Year, it.Objective.ID, period.ID) + "#" + plan.ActualReasonField(a.ID)})
	}
	for _, ce := range model.Centres {
		add(&w.Centres, pages.WatchEntry{Label: ce.Name, Detail: strings.ToLower(plan.StateLabel(ce.State, ce.Missed)),
			Href: paths.Submission(c.Year, period.ID, ce.ID)})
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
	return w
}
