package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
)

// The cycle as a whole: creation, bands and periods, deletion, approval,
// variations and carry over.

const badDate = "Data non valida: usare il formato gg/mm/aaaa."

// yearParam reads the {year} URL parameter.
func yearParam(r *http.Request) (int, error) {
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		return 0, notFound("Anno non valido.")
	}
	return year, nil
}

// dayField reads a required date field into errs; ok is false when it is
// missing or not a date.
func dayField(value, field, missing string, errs components.FieldErrors) (time.Time, bool) {
	if value == "" {
		errs[field] = missing
		return time.Time{}, false
	}
	t, err := components.ParseDay(value)
	if err != nil {
		errs[field] = badDate
		return time.Time{}, false
	}
	return store.Day(t), true
}

// dayMonth is a day typed without its year: "31/03".
var dayMonth = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})$`)

// parsePeriods reads the period ends typed one per line (commas and
// semicolons separate too): full dates, or day and month in year. It returns
// them sorted; none typed is none returned (the defaults then apply). Without
// a valid year it checks only that the full dates are dates.
func parsePeriods(text string, year int, yearOK bool) ([]time.Time, string) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' })
	var days []time.Time
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		var d time.Time
		if m := dayMonth.FindStringSubmatch(f); m != nil {
			if !yearOK {
				continue // its year is the one in error
			}
			dd, _ := strconv.Atoi(m[1])
			mm, _ := strconv.Atoi(m[2])
			d = time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
			if mm < 1 || mm > 12 || d.Day() != dd {
				return nil, fmt.Sprintf("«%s» non è una data valida: usare il formato gg/mm/aaaa, una data per riga.", f)
			}
		} else {
			t, err := components.ParseDay(f)
			if err != nil {
				return nil, fmt.Sprintf("«%s» non è una data valida: usare il formato gg/mm/aaaa, una data per riga.", f)
			}
			d = store.Day(t)
		}
		if yearOK {
			if err := store.CheckPeriod(year, d); err != nil {
				return nil, sentence(err.Error())
			}
		}
		if slices.ContainsFunc(days, d.Equal) {
			return nil, fmt.Sprintf("La data %s è indicata due volte.", components.Date(d))
		}
		days = append(days, d)
	}
	slices.SortFunc(days, time.Time.Compare)
	return days, ""
}

// parseYear reads a cycle's year field.
func parseYear(s string, errs components.FieldErrors) (int, bool) {
	if s == "" {
		errs["year"] = "Indicare l'anno del ciclo."
		return 0, false
	}
	y, err := strconv.Atoi(s)
	if err != nil {
		errs["year"] = "Inserire l'anno in cifre, ad esempio 2025."
		return 0, false
	}
	if err := store.CheckYear(y); err != nil {
		errs["year"] = sentence(err.Error())
		return 0, false
	}
	return y, true
}

func (s *Server) cycleNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, err := s.store.OrganisationName(ctx)
	needOrg := errors.Is(err, store.ErrNotFound)
	if err != nil && !needOrg {
		return err
	}
	v := pages.CycleNewView{NeedOrganisation: needOrg, Errors: components.FieldErrors{}}
	if r.Method == http.MethodGet {
		cycles, err := s.store.ListCycles(ctx)
		if err != nil {
			return err
		}
		year := time.Now().In(components.Rome()).Year()
		if len(cycles) > 0 {
			year = cycles[0].Year + 1
		}
		v.Form.Year = strconv.Itoa(year)
		s.render(w, r, http.StatusOK, pages.CycleNew(v))
		return nil
	}
	v.Form = pages.CycleNewForm{
		Organisation: strings.TrimSpace(r.PostFormValue("organisation")),
		Year:         strings.TrimSpace(r.PostFormValue("year")),
		Periods:      r.PostFormValue("periods"),
	}
	if needOrg {
		switch n := utf8.RuneCountInString(v.Form.Organisation); {
		case n == 0:
			v.Errors["organisation"] = "Indicare il nome dell'ente."
		case n > 200:
			v.Errors["organisation"] = "Il nome dell'ente può avere al più 200 caratteri."
		}
	}
	year, yearOK := parseYear(v.Form.Year, v.Errors)
	periods, msg := parsePeriods(v.Form.Periods, year, yearOK)
	if msg != "" {
		v.Errors["periods"] = msg
	}
	if len(v.Errors) == 0 {
		_, err := s.store.CreateCycle(ctx, actor(auth.UserFrom(ctx)), store.NewCycle{Organisation: v.Form.Organisation, Year: year, Periods: periods})
		if err == nil {
			s.seeOther(w, r, cycleURL(year), fmt.Sprintf("Ciclo %d creato: ora si possono aggiungere i centri di responsabilità.", year))
			return nil
		}
		field := "year"
		if errors.Is(err, store.ErrNoOrganisation) {
			field, v.NeedOrganisation = "organisation", true
		}
		if !storeConflict(err, v.Errors, field) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.CycleNew(v))
	return nil
}

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
		Approved: c.ApprovalAct != "",
		Bands:    pages.BandsForm{Reached: components.NumberInput(c.Bands.Reached), Partial: components.NumberInput(c.Bands.Partial)},
		Errors:   components.FieldErrors{},
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
	back := cycleURL(c.Year) + "/impostazioni"
	if r.Method != http.MethodGet && r.PostFormValue("form") == "periodo" {
		return s.periodAdd(w, r, c, v, back)
	}
	var bands domain.Bands
	return s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.CycleSettings(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Bands, bands = parseBands(r, v.Errors)
			v.Bands.VariationOn, v.Bands.VariationReason = on, reason
		},
		save: func(ch store.Change) (string, string, error) {
			if bands == c.Bands {
				return back, "Le soglie sono invariate: nulla da salvare.", nil
			}
			return back, "Soglie di valutazione aggiornate.", s.store.UpdateCycleSettings(r.Context(), ch, c.Year, bands)
		},
		conflictField: onField("band_partial"),
	})
}

// parseBands reads the bands form, checking it.
func parseBands(r *http.Request, errs components.FieldErrors) (pages.BandsForm, domain.Bands) {
	f := pages.BandsForm{
		Reached: strings.TrimSpace(r.PostFormValue("band_reached")),
		Partial: strings.TrimSpace(r.PostFormValue("band_partial")),
	}
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
	return f, bands
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
			v.Errors["ends_on"] = fmt.Sprintf("Il periodo del %s esiste già.", components.Date(day))
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
			s.seeOther(w, r, back, fmt.Sprintf("Periodo del %s aggiunto.", components.Date(day)))
			return nil
		}
		if !storeConflict(err, v.Errors, "ends_on") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.CycleSettings(v))
	return nil
}

// confirmed reports whether the removal was confirmed with its button.
func confirmed(r *http.Request, errs components.FieldErrors) {
	if r.PostFormValue("conferma") != "si" {
		errs[""] = "Confermare l'eliminazione con il pulsante «Elimina»."
	}
}

func (s *Server) periodDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	pid, err := idParam(r, "pid")
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Periods, func(p plan.Period) bool { return p.ID == pid })
	if i < 0 {
		return notFound("Il periodo richiesto non esiste in questo ciclo.")
	}
	p := c.Periods[i]
	n, err := s.store.PeriodData(r.Context(), p.ID)
	if err != nil {
		return err
	}
	back := cycleURL(c.Year) + "/impostazioni"
	v := pages.RemovalView{
		Heading:      fmt.Sprintf("Eliminare il periodo del %s?", components.Date(p.EndsOn)),
		Crumbs:       cycleCrumbs(c.Year, layout.Crumb{Label: "Impostazioni", Href: back}, layout.Crumb{Label: "Elimina periodo"}),
		What:         fmt.Sprintf("il periodo di monitoraggio che termina il %s", components.Date(p.EndsOn)),
		Consequences: periodConsequences(n),
		Action:       fmt.Sprintf("%s/periodi/%d/elimina", cycleURL(c.Year), p.ID),
		Cancel:       back,
		Approved:     c.ApprovalAct != "",
		Errors:       components.FieldErrors{},
	}
	if len(c.Periods) == 1 {
		v.Blocked = "È l'unico periodo del ciclo: un ciclo deve avere almeno un periodo di monitoraggio."
	}
	if r.Method != http.MethodGet && v.Blocked != "" {
		return &store.Conflict{Message: v.Blocked}
	}
	return s.confirmRemoval(w, r, v, s.store.DeletePeriod, p.ID, back, fmt.Sprintf("Periodo del %s eliminato.", components.Date(p.EndsOn)))
}

// planData counts the plan and the data of a cycle, for the pages that
// confirm a removal.
func planData(centres []*plan.Centre) []string {
	var objectives, activities, indicators, values, progress, reports int
	for _, ce := range centres {
		objectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			activities += len(o.Activities)
			indicators += len(o.Indicators)
			reports += len(o.Reports)
			for _, a := range o.Activities {
				progress += len(a.Progress)
			}
			for _, in := range o.Indicators {
				values += len(in.Values)
			}
		}
	}
	return nonZero(
		count(objectives, "obiettivo", "obiettivi"),
		count(activities, "attività", "attività"),
		count(indicators, "indicatore", "indicatori"),
		count(values, "valore consuntivo", "valori consuntivi"),
		count(progress, "consuntivo di un'attività", "consuntivi delle attività"),
		count(reports, "report di monitoraggio", "report di monitoraggio"),
	)
}

func (s *Server) cycleDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	y := strconv.Itoa(c.Year)
	v := pages.RemovalView{
		Heading: "Eliminare il ciclo " + y + "?",
		Crumbs:  cycleCrumbs(c.Year, layout.Crumb{Label: "Elimina"}),
		What:    "il ciclo " + y + ", con il suo piano e tutti i dati rilevati",
		Consequences: append(nonZero(
			count(len(c.Periods), "periodo di monitoraggio", "periodi di monitoraggio"),
			count(len(c.Centres), "centro di responsabilità del ciclo", "centri di responsabilità del ciclo")),
			planData(c.Centres)...),
		Note:        "I centri restano nell'elenco dell'ente, per gli altri cicli e per gli account dei responsabili.",
		Action:      cycleURL(c.Year) + "/elimina",
		Cancel:      cycleURL(c.Year),
		ConfirmYear: y,
		Errors:      components.FieldErrors{},
	}
	if c.ApprovalAct != "" {
		v.Blocked = "Il piano " + y + " è approvato (" + pages.ApprovalLabel(c.ApprovalAct, c.ApprovedOn) + "): il ciclo non si può eliminare."
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmRemoval(v))
		return nil
	}
	if v.Blocked != "" {
		return &store.Conflict{Message: v.Blocked}
	}
	v.Typed = strings.TrimSpace(r.PostFormValue("conferma_anno"))
	if v.Typed != y {
		v.Errors["conferma_anno"] = "Per confermare, scrivere l'anno del ciclo: " + y + "."
	}
	if len(v.Errors) == 0 {
		if err := s.store.DeleteCycle(r.Context(), actor(auth.UserFrom(r.Context())), c.Year); err != nil {
			return err
		}
		s.seeOther(w, r, "/", "Ciclo "+y+" eliminato.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmRemoval(v))
	return nil
}

func (s *Server) planApprove(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v := pages.ApproveView{Year: c.Year, Counts: c.Count(), ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn, Errors: components.FieldErrors{}}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.Approve(v))
		return nil
	}
	if c.ApprovalAct != "" {
		return &store.Conflict{Message: "il piano è già approvato"}
	}
	v.Form = pages.ApproveForm{Act: strings.TrimSpace(r.PostFormValue("act")), On: strings.TrimSpace(r.PostFormValue("approved_on"))}
	switch n := utf8.RuneCountInString(v.Form.Act); {
	case n == 0:
		v.Errors["act"] = "Indicare l'atto di approvazione, ad esempio «Delibera CdA n. 12 del 30/01/2023»."
	case n > 300:
		v.Errors["act"] = "L'atto può avere al più 300 caratteri."
	}
	on, ok := dayField(v.Form.On, "approved_on", "Indicare la data dell'atto.", v.Errors)
	if ok && on.After(store.Day(time.Now().In(components.Rome()))) {
		v.Errors["approved_on"] = "La data dell'atto non può essere futura."
	}
	if v.Counts.Centres == 0 {
		v.Errors[""] = "Il piano non ha centri di responsabilità: non c'è nulla da approvare."
	}
	if len(v.Errors) == 0 {
		err := s.store.ApprovePlan(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, v.Form.Act, on)
		if err == nil {
			s.seeOther(w, r, cycleURL(c.Year), "Piano approvato: da ora ogni modifica è una variazione, con data e motivazione.")
			return nil
		}
		if !storeConflict(err, v.Errors, "act") {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Approve(v))
	return nil
}

func (s *Server) cycleCarryOver(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	to, err := s.store.CarryOver(r.Context(), actor(auth.UserFrom(r.Context())), year)
	if err != nil {
		return err
	}
	s.seeOther(w, r, cycleURL(to), fmt.Sprintf(
		"Piano %d riportato nel ciclo %d: centri, obiettivi, attività (con i mesi spostati di un anno) e indicatori con i valori attesi; nessun dato rilevato. Il nuovo piano non è approvato.",
		year, to))
	return nil
}

func (s *Server) variationsList(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	entries, err := s.store.ListVariations(r.Context(), c.Year)
	if err != nil {
		return err
	}
	v := pages.VariationsView{Year: c.Year, ApprovalAct: c.ApprovalAct, ApprovedOn: c.ApprovedOn}
	names := variationNames(c)
	for _, e := range entries {
		v.Rows = append(v.Rows, describeVariation(e, names))
	}
	s.render(w, r, http.StatusOK, pages.Variations(v))
	return nil
}

// ---------------------------------------------------------------------------
// Variations in words

// variationNames names the plan items of a cycle by entity and id, for the
// items a variation touched that still exist.
func variationNames(c *plan.Cycle) map[string]map[int64]string {
	n := map[string]map[int64]string{"centre": {}, "objective": {}, "activity": {}, "indicator": {}}
	for _, ce := range c.Centres {
		n["centre"][ce.ID] = "«" + ce.Name + "»"
		for _, o := range ce.Objectives {
			obj := fmt.Sprintf("obiettivo %d di %s", o.Number, ce.Name)
			n["objective"][o.ID] = fmt.Sprintf("%d di %s «%s»", o.Number, ce.Name, clip(o.Title, 80))
			for _, a := range o.Activities {
				n["activity"][a.ID] = fmt.Sprintf("«%s» dell'%s", clip(a.Description, 80), obj)
			}
			for _, in := range o.Indicators {
				n["indicator"][in.ID] = fmt.Sprintf("«%s» dell'%s", clip(in.Name, 80), obj)
			}
		}
	}
	return n
}

type variationField struct{ key, label string }

// variationFields are the fields of each entity shown in a variation, in
// order; the others (ids, references) are left out.
var variationFields = map[string][]variationField{
	"cycle": {{"band_reached", "Soglia di raggiungimento"}, {"band_partial", "Soglia di parziale raggiungimento"}},
	"period": {{"ends_on", "Fine del periodo"}, {"values", "Valori consuntivi eliminati"},
		{"progress", "Consuntivi delle attività eliminati"}, {"reports", "Report eliminati"}},
	"centre": {{"name", "Nome"}, {"manager", "Responsabile"}, {"position", "Posizione"}, {"objectives", "Obiettivi eliminati"}},
	"objective": {{"section", "Sezione"}, {"number", "Numero"}, {"title", "Titolo"}, {"strategic_area", "Area strategica"},
		{"operational_objective", "Obiettivo operativo"}, {"peg_project", "Progetto PEG"}, {"services", "Servizi interessati"},
		{"end_users", "Utenti finali"}, {"networks", "Reti di collaborazione"}, {"description_html", "Descrizione"},
		{"weight", "Peso"}, {"group_id", "Gruppo trasversale"}, {"position", "Posizione"}},
	"activity": {{"description", "Descrizione"}, {"planned_from", "Inizio previsto"}, {"planned_to", "Fine prevista"},
		{"planned_annual", "Annuale"}, {"position", "Posizione"}},
	"indicator": {{"name", "Nome"}, {"description", "Descrizione"}, {"unit", "Unità di misura"}, {"polarity", "Polarità"},
		{"weight", "Peso"}, {"expected", "Valore atteso"}, {"neutralised_reason", "Motivo della sterilizzazione"}, {"position", "Posizione"}},
}

var variationEntities = map[string]string{
	"cycle": "Soglie di valutazione", "period": "Periodo di monitoraggio", "centre": "Centro di responsabilità",
	"objective": "Obiettivo", "activity": "Attività", "indicator": "Indicatore",
}

var variationActions = map[string]string{
	"create": "Aggiunta", "update": "Modifica", "move": "Spostamento", "delete": "Eliminazione",
}

// describeVariation puts a variation in words: the element, then each field
// as it was and as it became (the fields that changed, for a change).
func describeVariation(e store.VariationEntry, names map[string]map[int64]string) pages.VariationRow {
	row := pages.VariationRow{On: e.On, Reason: e.Reason, Actor: e.Actor,
		Action: cmp.Or(variationActions[e.Action], e.Action)}
	old, now := decodeSnapshot(e.OldValue), decodeSnapshot(e.NewValue)
	entity := cmp.Or(variationEntities[e.Entity], e.Entity)
	row.What = entity
	if e.EntityID != nil {
		if n, ok := names[e.Entity][*e.EntityID]; ok {
			row.What = entity + " " + n
		} else if n := snapshotName(e.Entity, old, now); n != "" {
			row.What = entity + " " + n
		}
	}
	if e.Entity == "period" {
		row.What = entity + " " + snapshotName(e.Entity, old, now)
	}
	for _, f := range variationFields[e.Entity] {
		o, hasOld := old[f.key]
		n, hasNew := now[f.key]
		switch {
		case hasOld && hasNew:
			ov, nv := showValue(f.key, o), showValue(f.key, n)
			if f.key == "group_id" && ov == nv && fmt.Sprint(o) != fmt.Sprint(n) {
				row.Changes = append(row.Changes, f.label+": spostato in un altro gruppo")
			} else if ov != nv {
				row.Changes = append(row.Changes, fmt.Sprintf("%s: %s → %s", f.label, ov, nv))
			}
		case hasNew && !empty(n):
			row.Changes = append(row.Changes, fmt.Sprintf("%s: %s", f.label, showValue(f.key, n)))
		case hasOld && !empty(o) && e.Action == "delete":
			row.Changes = append(row.Changes, fmt.Sprintf("%s: %s", f.label, showValue(f.key, o)))
		}
	}
	return row
}

// decodeSnapshot reads a JSON snapshot, keeping numbers exact.
func decodeSnapshot(s string) map[string]any {
	m := map[string]any{}
	if s == "" {
		return m
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	_ = d.Decode(&m) // a snapshot that is not an object shows no fields
	return m
}

// snapshotName names a deleted item from its snapshot.
func snapshotName(entity string, snaps ...map[string]any) string {
	for _, m := range snaps {
		switch entity {
		case "period":
			if v, ok := m["ends_on"]; ok {
				return "del " + showValue("ends_on", v)
			}
		case "objective":
			if t, ok := m["title"].(string); ok {
				return fmt.Sprintf("%v «%s»", m["number"], clip(t, 80))
			}
		default:
			for _, k := range []string{"name", "description"} {
				if t, ok := m[k].(string); ok && t != "" {
					return "«" + clip(t, 80) + "»"
				}
			}
		}
	}
	return ""
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case bool:
		return !v
	}
	return false
}

var tags = regexp.MustCompile(`<[^>]*>`)

// showValue writes a snapshot value for people: Italian numbers, dates and
// months, positions from 1, text without markup and clipped.
func showValue(key string, v any) string {
	if key == "group_id" {
		if v == nil {
			return "nessuno"
		}
		return "assegnato"
	}
	if empty(v) && key != "planned_annual" {
		return "(vuoto)"
	}
	switch v := v.(type) {
	case bool:
		if v {
			return "sì"
		}
		return "no"
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		if key == "position" {
			return strconv.Itoa(int(f) + 1)
		}
		return components.Number(f)
	case string:
		switch key {
		case "planned_from", "planned_to":
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return domain.MonthName(t.Month()) + " " + strconv.Itoa(t.Year())
			}
		case "ends_on":
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return components.Date(t)
			}
		case "polarity":
			switch domain.Polarity(v) {
			case domain.Higher:
				return "più alto è meglio"
			case domain.Lower:
				return "più basso è meglio"
			}
		case "description_html":
			v = html.UnescapeString(tags.ReplaceAllString(v, " "))
		}
		return "«" + clip(v, 160) + "»"
	}
	return fmt.Sprint(v)
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
