package server

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"traguardo/internal/format"

	"github.com/a-h/templ"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The settings of a cycle: its bands and its monitoring periods.

// periodData counts what each period of c holds, from the loaded cycle.
func periodData(c *plan.Cycle) map[time.Time]store.PeriodCounts {
	n := map[time.Time]store.PeriodCounts{}
	add := func(day time.Time, f func(*store.PeriodCounts)) {
		pc := n[day]
		f(&pc)
		n[day] = pc
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				for _, p := range a.Progress {
					add(p.Period, func(pc *store.PeriodCounts) { pc.Progress++ })
				}
			}
			for _, in := range o.Indicators {
				for _, v := range in.Values {
					add(v.Period, func(pc *store.PeriodCounts) { pc.Values++ })
				}
			}
			for _, rep := range o.Reports {
				add(rep.Period, func(pc *store.PeriodCounts) { pc.Reports++ })
			}
		}
	}
	return n
}

func periodConsequences(n store.PeriodCounts) []string {
	return nonZero(
		count(n.Values, "valore consuntivo di un indicatore", "valori consuntivi degli indicatori"),
		count(n.Progress, "consuntivo di un'attività", "consuntivi delle attività"),
		count(n.Reports, "report di monitoraggio", "report di monitoraggio"),
	)
}

func (s *Server) settingsView(c *plan.Cycle) pages.CycleSettingsView {
	v := pages.CycleSettingsView{
		Year:     c.Year,
		Approved: c.Approved(),
		Bands: pages.BandsForm{Reached: components.NumberInput(c.Bands.Reached), Partial: components.NumberInput(c.Bands.Partial),
			Rounding: string(c.Rules.Normal().Rounding), Cap: components.NumberInput(c.Rules.Ceiling())},
		Errors: components.FieldErrors{},
		Edit:   components.Edit{Version: c.Version},
	}
	data := periodData(c)
	for _, p := range c.Periods {
		what := strings.Join(periodConsequences(data[p.EndsOn]), ", ")
		if what == "" {
			what = "nessun dato"
		}
		v.Periods = append(v.Periods, pages.PeriodRow{ID: p.ID, EndsOn: p.EndsOn, Data: what})
	}
	return v
}

// cycleRecord is a cycle's own fields (its bands, the act approving its
// plan) as its forms show them, by the store's field names.
func cycleRecord(c *plan.Cycle) stored {
	l := pages.BandLabels
	approvedOn := ""
	if c.ApprovedOn != nil {
		approvedOn = format.Date(*c.ApprovedOn)
	}
	return stored{version: c.Version, fields: []recordField{
		{"band_reached", l["band_reached"], components.NumberInput(c.Bands.Reached)},
		{"band_partial", l["band_partial"], components.NumberInput(c.Bands.Partial)},
		{"rounding", l["rounding"], string(c.Rules.Normal().Rounding)},
		{"achievement_cap", l["achievement_cap"], components.NumberInput(c.Rules.Ceiling())},
		{"approval_act", l["approval_act"], c.ApprovalAct},
		{"approved_on", l["approved_on"], approvedOn},
	}}
}

// bandField reads one threshold: a percentage, required.
func bandField(value, field, missing string, errs components.FieldErrors) (float64, bool) {
	if value == "" {
		errs[field] = missing
		return 0, false
	}
	x, err := components.ParseNumber(value)
	if err != nil {
		errs[field] = sentence(err.Error())
		return 0, false
	}
	return x, true
}

func (s *Server) cycleSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v := s.settingsView(c)
	back := paths.Cycle(c.Year) + "/impostazioni"
	if r.Method != http.MethodGet && r.PostFormValue("form") == "periodo" {
		return s.periodAdd(w, r, c, v, back)
	}
	var bands domain.Bands
	var rules domain.Rules
	return s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.CycleSettings(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Bands, bands, rules = parseBands(r, v.Errors)
			v.Bands.VariationOn, v.Bands.VariationReason = on, reason
		},
		save: func(ch store.Change) (string, string, error) {
			if bands == c.Bands && rules == c.Rules.Normal() {
				return back, "Le regole di misurazione sono invariate: nulla da salvare.", nil
			}
			return back, "Regole di misurazione aggiornate.", s.store.UpdateCycleSettings(r.Context(), ch, c.Year, bands, rules)
		},
		conflictField: onField("band_partial"),
		edit:          &v.Edit,
		record:        cycleRecord(c),
	})
}

// parseBands reads the form of the rules of measurement (bands, rounding,
// cap), checking it. A blank rounding or cap is the default.
func parseBands(r *http.Request, errs components.FieldErrors) (pages.BandsForm, domain.Bands, domain.Rules) {
	f := pages.BandsForm{
		Reached:  strings.TrimSpace(r.PostFormValue("band_reached")),
		Partial:  strings.TrimSpace(r.PostFormValue("band_partial")),
		Rounding: strings.TrimSpace(r.PostFormValue("rounding")),
		Cap:      strings.TrimSpace(r.PostFormValue("achievement_cap")),
	}
	rules := domain.Rules{Rounding: domain.Rounding(f.Rounding)}
	if !rules.Rounding.Valid() && f.Rounding != "" {
		errs["rounding"] = "Scegliere un decimale o intero troncato."
	}
	if f.Cap != "" {
		x, err := components.ParseNumber(f.Cap)
		switch {
		case err != nil:
			errs["achievement_cap"] = sentence(err.Error())
		case x < domain.DefaultCap || x > domain.MaxCap:
			errs["achievement_cap"] = fmt.Sprintf("Il tetto deve essere compreso tra %d e %d.", domain.DefaultCap, domain.MaxCap)
		default:
			rules.Cap = x
		}
	}
	rules = rules.Normal()
	reached, okR := bandField(f.Reached, "band_reached", "Indicare la soglia di raggiungimento.", errs)
	partial, okP := bandField(f.Partial, "band_partial", "Indicare la soglia di parziale raggiungimento.", errs)
	if okR && (reached <= 0 || reached > 100) {
		errs["band_reached"], okR = "La soglia di raggiungimento deve essere maggiore di 0 e al più 100.", false
	}
	if okP && (partial < 0 || partial > 100) {
		errs["band_partial"], okP = "La soglia di parziale raggiungimento deve essere compresa tra 0 e 100.", false
	}
	bands := domain.Bands{Reached: reached, Partial: partial}
	if okR && okP && partial >= reached {
		errs["band_partial"] = "La soglia di parziale raggiungimento deve essere minore della soglia di raggiungimento."
	} else if okR && okP {
		if err := bands.Validate(); err != nil {
			errs["band_partial"] = sentence(err.Error())
		}
	}
	return f, bands, rules
}

// periodAdd is the settings form that adds a monitoring period.
func (s *Server) periodAdd(w http.ResponseWriter, r *http.Request, c *plan.Cycle, v pages.CycleSettingsView, back string) error {
	v.Period = pages.PeriodForm{
		EndsOn:          strings.TrimSpace(r.PostFormValue("ends_on")),
		VariationOn:     strings.TrimSpace(r.PostFormValue("period_variation_on")),
		VariationReason: strings.TrimSpace(r.PostFormValue("period_variation_reason")),
	}
	day, ok := dayField(v.Period.EndsOn, "ends_on", "Indicare la data di fine del periodo.", v.Errors)
	if ok {
		if err := store.CheckPeriod(c.Year, day); err != nil {
			v.Errors["ends_on"] = sentence(err.Error())
		} else if slices.ContainsFunc(c.Periods, func(p plan.Period) bool { return p.EndsOn.Equal(day) }) {
			v.Errors["ends_on"] = fmt.Sprintf("Il periodo del %s esiste già.", format.Date(day))
		}
	}
	var variation *store.Variation
	if v.Approved {
		on, ok := dayField(v.Period.VariationOn, "period_variation_on", "Indicare la data della variazione.", v.Errors)
		if v.Period.VariationReason == "" {
			v.Errors["period_variation_reason"] = "Indicare la motivazione della variazione."
		} else if msg := plan.TooLong(v.Period.VariationReason, plan.MaxText); msg != "" {
			v.Errors["period_variation_reason"] = sentence(msg)
		}
		if ok {
			variation = &store.Variation{On: on, Reason: v.Period.VariationReason}
		}
	}
	if len(v.Errors) == 0 {
		_, err := s.store.AddPeriod(r.Context(), change(r, variation), c.Year, day)
		if err == nil {
			s.seeOther(w, r, back, fmt.Sprintf("Periodo del %s aggiunto.", format.Date(day)))
			return nil
		}
		field := cmp.Or(namedField(err, map[string]string{store.FieldVariationOn: "period_variation_on"}), "ends_on")
		if !storeConflict(err, v.Errors, field) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.CycleSettings(v))
	return nil
}
