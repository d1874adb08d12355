package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// Seed sizes: the 2023 demo document (the seed Relazione).
const (
	SeedCentres    = 6
	SeedObjectives = 18
)

// Scale describes a large organisation made from the seed: its objectives
// repeated (renamed) until there are Objectives of them, spread evenly over
// Centres centres, with the seed's activities and indicators (so about 4.8
// activities and 3.4 indicators an objective, as in the seed), values at all
// four quarters and Users accounts.
type Scale struct {
	Objectives int
	Centres    int
	// Users is the number of accounts ScaleInstall creates (at least 4 +
	// Centres: one admin, director, evaluator and observer, and a manager a
	// centre; the rest are managers spread over the centres).
	Users int
}

// Times is the plan N times the seed's size: 6N centres, 18N objectives.
func Times(n float64) Scale {
	return Scale{Objectives: int(math.Round(SeedObjectives * n)), Centres: max(1, int(math.Round(SeedCentres*n))), Users: 200}
}

// Sizes counts what a scaled plan holds.
type Sizes struct {
	Centres, Objectives, Activities, Indicators, Values, Users int
}

func (s Sizes) String() string {
	return fmt.Sprintf("%d centres, %d objectives, %d activities, %d indicators (%d indicator values over 4 periods), %d users",
		s.Centres, s.Objectives, s.Activities, s.Indicators, s.Values, s.Users)
}

// ScaledYear is the year of a scaled cycle: the seed's.
const ScaledYear = 2023

// ScaledDocument is the v1 document of the scaled plan (year 2023): the
// seed's objectives cycled over, each copy with its activities, indicators
// and reports; every indicator has a value at each quarter (a quarter of the
// year's value, rounded down, for each quarter gone: a count stays whole, a
// si/no is "no" until the year's end), every objective a report at each
// quarter, and every centre's first three quarters are approved (the fourth
// stays open for entry).
func ScaledDocument(sc Scale) ([]byte, Sizes, error) {
	if sc.Objectives < 1 || sc.Centres < 1 || sc.Centres > sc.Objectives {
		return nil, Sizes{}, fmt.Errorf("scale: %d objectives over %d centres", sc.Objectives, sc.Centres)
	}
	var seed interchange.Document
	if err := json.Unmarshal(cycle2023, &seed); err != nil {
		return nil, Sizes{}, err
	}
	type seedObjective struct {
		o      interchange.Objective
		centre string
	}
	var objectives []seedObjective
	for _, c := range seed.Centres {
		for _, o := range c.Objectives {
			objectives = append(objectives, seedObjective{o, c.Name})
		}
	}
	doc := seed
	doc.Organisation.Name = fmt.Sprintf("Ente di prova (%d obiettivi)", sc.Objectives)
	doc.Centres = make([]interchange.Centre, sc.Centres)
	periods := seed.Periods // 31/03, 30/06, 30/09, 31/12
	approved := "approvato"
	for i := range doc.Centres {
		doc.Centres[i] = interchange.Centre{Name: fmt.Sprintf("AREA %03d", i+1), Manager: fmt.Sprintf("Responsabile dell'area %03d", i+1)}
		for _, p := range periods[:len(periods)-1] {
			doc.Centres[i].Submissions = append(doc.Centres[i].Submissions, interchange.Submission{Period: p, State: approved})
		}
	}
	var sz Sizes
	sz.Centres, sz.Objectives = sc.Centres, sc.Objectives
	for k := range sc.Objectives {
		src := objectives[k%len(objectives)]
		copyIndex := k / len(objectives)
		var o interchange.Objective
		// A deep copy: the seed's slices are shared otherwise.
		b, err := json.Marshal(src.o)
		if err != nil {
			return nil, Sizes{}, err
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return nil, Sizes{}, err
		}
		ce := &doc.Centres[k*sc.Centres/sc.Objectives]
		o.Number = len(ce.Objectives) + 1
		if o.Group != nil {
			g := fmt.Sprintf("%s-%d", *o.Group, copyIndex+1)
			o.Group = &g
		}
		if copyIndex > 0 {
			o.Title = truncate(fmt.Sprintf("%s (copia %d)", o.Title, copyIndex+1), plan.MaxText)
		}
		for i := range o.Indicators {
			in := &o.Indicators[i]
			year := yearValue(in.Values, periods[len(periods)-1])
			in.Values = nil
			for q, p := range periods {
				v := quarterValue(year, q+1, len(periods))
				in.Values = append(in.Values, interchange.IndicatorData{Period: p, Value: v})
				sz.Values++
			}
		}
		sz.Activities += len(o.Activities)
		sz.Indicators += len(o.Indicators)
		var reports []interchange.Report
		status := string(domain.OnTrack)
		for _, p := range periods[:len(periods)-1] {
			reports = append(reports, interchange.Report{Period: p, Status: &status,
				TextHTML: "<p>Attività in corso secondo il cronoprogramma; nessuno scostamento da segnalare.</p>"})
		}
		o.Reports = append(reports, o.Reports...)
		ce.Objectives = append(ce.Objectives, o)
	}
	out, err := json.Marshal(doc)
	return out, sz, err
}

// yearValue is the indicator's value at the year's end in the seed (a
// value, or nil when it has none).
func yearValue(values []interchange.IndicatorData, end string) *interchange.Value {
	for _, v := range values {
		if v.Period == end && !v.NotMeasurable {
			return v.Value
		}
	}
	return nil
}

// quarterValue is the value at the q-th of n periods: the year's at the last.
func quarterValue(year *interchange.Value, q, n int) *interchange.Value {
	switch {
	case year == nil:
		return &interchange.Value{Num: 0}
	case q == n:
		return year
	case year.IsBool:
		return &interchange.Value{IsBool: true}
	}
	return &interchange.Value{Num: math.Floor(year.Num * float64(q) / float64(n))}
}

// ScaleAccount is an account of a scaled installation.
type ScaleAccount struct {
	Email  string
	Role   auth.Role
	Centre string // a manager's centre
}

// ScaleInstall loads the scaled plan into an empty database through the
// ordinary JSON import, opens its last period for entry until 30 days from
// now, and creates sc.Users accounts with password: admin@, direttore@,
// nucleo@ and osservatore@ (then osservatore.N@ up to a tenth of the
// accounts), and managers responsabile.N@ (N from 1) spread round-robin over
// the centres, each of one centre. It returns the sizes and the accounts.
func ScaleInstall(ctx context.Context, st *store.Store, policy *richtext.Policy, sc Scale, password string) (Sizes, []ScaleAccount, error) {
	empty, err := st.Empty(ctx)
	if err != nil {
		return Sizes{}, nil, err
	}
	if !empty {
		return Sizes{}, nil, errors.New("the database already holds data: a scaled plan loads into an empty one")
	}
	if sc.Users < 4+sc.Centres {
		return Sizes{}, nil, fmt.Errorf("scale: %d users are too few for %d centres (at least %d)", sc.Users, sc.Centres, 4+sc.Centres)
	}
	doc, sz, err := ScaledDocument(sc)
	if err != nil {
		return Sizes{}, nil, err
	}
	if err := ImportDocument(ctx, st, policy, doc, 0); err != nil {
		return Sizes{}, nil, err
	}
	o, err := st.Monitoring(ctx, ScaledYear, domain.Today(time.Now()))
	if err != nil {
		return Sizes{}, nil, err
	}
	last := o.Periods[len(o.Periods)-1]
	if err := st.InstallWindow(ctx, last.ID, last.EndsOn, domain.Today(time.Now()).AddDate(0, 0, 30)); err != nil {
		return Sizes{}, nil, fmt.Errorf("scale window: %w", err)
	}
	accounts, err := scaleAccounts(ctx, st, sc, password)
	sz.Users = len(accounts)
	return sz, accounts, err
}

// ImportDocument reads a v1 document and imports it as a new cycle, moved to
// year when year is not 0 (as the import page's "Anno del ciclo da creare").
func ImportDocument(ctx context.Context, st *store.Store, policy *richtext.Policy, doc []byte, year int) error {
	c, err := interchange.ReadWith(bytes.NewReader(doc), policy, interchange.Options{Year: year})
	if err != nil {
		return fmt.Errorf("scaled document: %w", err)
	}
	if _, err := st.ImportCycle(ctx, store.Actor{Name: "demo"}, c); err != nil {
		return fmt.Errorf("scaled import: %w", err)
	}
	return nil
}

func scaleAccounts(ctx context.Context, st *store.Store, sc Scale, password string) ([]ScaleAccount, error) {
	centres, err := st.ListCentres(ctx)
	if err != nil {
		return nil, err
	}
	// One hash for every account: argon2id is slow on purpose.
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	list := []ScaleAccount{
		{Email: "admin@traguardo.test", Role: auth.Admin},
		{Email: "direttore@traguardo.test", Role: auth.Director},
		{Email: "nucleo@traguardo.test", Role: auth.Evaluator},
		{Email: "osservatore@traguardo.test", Role: auth.Observer},
	}
	for i := 2; len(list) < max(4, sc.Users/10); i++ {
		list = append(list, ScaleAccount{Email: fmt.Sprintf("osservatore.%d@traguardo.test", i), Role: auth.Observer})
	}
	for i := 0; len(list) < sc.Users; i++ {
		ce := centres[i%len(centres)]
		list = append(list, ScaleAccount{Email: fmt.Sprintf("responsabile.%d@traguardo.test", i+1), Role: auth.Manager, Centre: ce.Name})
	}
	ids := map[string]domain.CentreID{}
	for _, c := range centres {
		ids[c.Name] = c.ID
	}
	for _, a := range list {
		u := store.NewUser{Email: a.Email, Name: a.Role.Label(), Role: a.Role, PasswordHash: hash}
		if a.Centre != "" {
			u.Name += " " + a.Centre
			u.Centres = []domain.CentreID{ids[a.Centre]}
		}
		if _, err := st.CreateUser(ctx, store.Actor{Name: "demo"}, u); err != nil {
			return nil, fmt.Errorf("account %s: %w", a.Email, err)
		}
	}
	return list, nil
}

// truncate keeps the first n characters of s.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
