package server

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"
	"unicode/utf8"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Creating a cycle, and the fields the cycle forms share. The other actions
// on a cycle have a file each: cycle_settings, cycle_delete, plan_approve,
// cycle_carry_over, variations.

const badDate = "Data non valida: usare il formato gg/mm/aaaa."

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
			return nil, fmt.Sprintf("La data %s è indicata due volte.", format.Date(d))
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
		year := s.today().Year()
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
			s.seeOther(w, r, paths.Cycle(year), fmt.Sprintf("Ciclo %d creato: ora si possono aggiungere i centri di responsabilità.", year))
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
