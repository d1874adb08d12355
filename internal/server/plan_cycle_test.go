package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// The tests of the cycle forms: new cycle, bands and periods, removals,
// centres, approval, variations and carry over. They run on the secEnv of
// security_helpers_test.go (the demo cycles 2023 and 2024 and the demo
// accounts) and reuse the form checks of plan_forms_test.go. Their helpers
// start with pc.

// pcReaders are the roles that do not hold EditPlan.
var pcReaders = []string{"responsabile", "nucleo", "osservatore"}

// pcLoad reads the cycle of year.
func pcLoad(t testing.TB, e *secEnv, year int) *plan.Cycle {
	t.Helper()
	c, err := e.st.LoadCycle(context.Background(), year)
	if err != nil {
		t.Fatalf("LoadCycle(%d): %v", year, err)
	}
	return c
}

// pcForbidden posts form to path as each role: 403 with the Italian page,
// and no table changed.
func pcForbidden(t *testing.T, e *secEnv, roles []string, path string, form url.Values) {
	t.Helper()
	for _, role := range roles {
		c := e.signedIn(t, role)
		if r := c.get(path); r.Status != http.StatusForbidden && !strings.HasSuffix(path, "/riporta") && !strings.HasSuffix(path, "/sposta") {
			t.Errorf("GET %s as %s: status %d, want 403", path, role, r.Status)
		}
		before := secSnapshot(t, e.pool)
		r := c.post(path, form)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Il suo ruolo non consente questa operazione.") {
			t.Errorf("POST %s as %s: status %d, want 403 with the Italian page", path, role, r.Status)
		}
		secRequireUnchanged(t, "POST "+path+" as "+role, before, secSnapshot(t, e.pool), "sessions")
	}
}

// pcFlash follows a redirect and returns the flash message shown.
func pcFlash(t testing.TB, c *secClient, r *secResponse) string {
	t.Helper()
	page := c.get(r.Location())
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s after the redirect: status %d", r.Location(), page.Status)
	}
	f := byTestID(parseHTML(t, page.Body), "flash")
	if len(f) != 1 {
		t.Fatalf("GET %s: no flash message", r.Location())
	}
	return textOf(f[0])
}

func TestPlanCycle_New(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	valid := func() url.Values {
		return url.Values{"year": {"2025"}, "periods": {"31/03/2025\n30/09\n2025-12-31"}}
	}

	t.Run("OK", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		if r := c.get("/cicli/nuovo"); r.Status != http.StatusOK || pfFieldValue(t, parseHTML(t, r.Body), "year") != "2025" {
			t.Fatalf("GET /cicli/nuovo: status %d, want 200 proposing 2025", r.Status)
		}
		r := c.post("/cicli/nuovo", valid())
		pfRequireRedirect(t, "POST /cicli/nuovo", r, "/cicli/2025")
		if f := pcFlash(t, c, r); f != "Ciclo 2025 creato: ora si possono aggiungere i centri di responsabilità." {
			t.Errorf("flash = %q", f)
		}
		got := pcLoad(t, e, 2025)
		var ends []string
		for _, p := range got.Periods {
			ends = append(ends, p.EndsOn.Format(time.DateOnly))
		}
		if strings.Join(ends, " ") != "2025-03-31 2025-09-30 2025-12-31" || len(got.Centres) != 0 || got.ApprovalAct != "" {
			t.Errorf("cycle 2025: periods %v, %d centres, approval %q", ends, len(got.Centres), got.ApprovalAct)
		}
	})

	t.Run("OKDefaultPeriods", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		pfRequireRedirect(t, "POST /cicli/nuovo", c.post("/cicli/nuovo", url.Values{"year": {"2026"}, "periods": {""}}), "/cicli/2026")
		if got := pcLoad(t, e, 2026); len(got.Periods) != 4 || !got.Periods[3].EndsOn.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("periods of 2026 = %+v", got.Periods)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		set := func(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }
		pfCheckInvalid(t, e, c, "/cicli/nuovo", []string{"year", "periods"}, valid, []pfInvalid{
			{"YearMissing", set("year", ""), "year", "Indicare l'anno del ciclo."},
			{"YearNotNumber", set("year", "duemila"), "year", "Inserire l'anno in cifre, ad esempio 2025."},
			{"YearOutOfRange", set("year", "1999"), "year", "Anno non valido: deve essere tra 2000 e 2100."},
			{"YearExists", func(f url.Values) { f.Set("year", "2023"); f.Set("periods", "") }, "year", "Il ciclo 2023 esiste già."},
			{"PeriodNotDate", set("periods", "31/03/2025\n31/02/2025"), "periods", "«31/02/2025» non è una data valida: usare il formato gg/mm/aaaa, una data per riga."},
			{"PeriodOtherYear", set("periods", "31/03/2026"), "periods", "Il periodo del 31/03/2026 non cade nell'anno 2025."},
			{"PeriodTwice", set("periods", "30/06\n30/06/2025"), "periods", "La data 30/06/2025 è indicata due volte."},
		})
	})

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, "/cicli/nuovo", url.Values{"year": {"2030"}})
	})
}

// TestPlanCycle_NewOrganisation creates the first cycle of an empty
// installation: the form asks for the organisation's name.
func TestPlanCycle_NewOrganisation(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	st := store.New(pool)
	hash, err := auth.HashPassword(secTargetPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.CLI, store.NewUser{Email: "dir@traguardo.test", Role: auth.Director, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	e := &secEnv{st: st, pool: pool, handler: server.New(st, newTestLogger(t), server.Config{SessionCleanup: -1})}
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	c := e.client(t)
	c.signIn("dir@traguardo.test", secTargetPassword)

	if r := c.get("/"); !strings.Contains(r.Body, `href="/cicli/nuovo"`) {
		t.Error("the empty home page offers no new cycle")
	}
	r := c.post("/cicli/nuovo", url.Values{"organisation": {""}, "year": {"2024"}})
	usersRequireStatus(t, "POST /cicli/nuovo without the organisation", r, http.StatusUnprocessableEntity)
	if got := usersFieldError(t, parseHTML(t, r.Body), "organisation"); got != "Indicare il nome dell'ente." {
		t.Errorf("error of organisation = %q", got)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM organisations`); n != 0 {
		t.Fatalf("%d organisations after a refused form", n)
	}
	pfRequireRedirect(t, "POST /cicli/nuovo", c.post("/cicli/nuovo", url.Values{"organisation": {"Comune di Prova"}, "year": {"2024"}}), "/cicli/2024")
	if got := pcLoad(t, e, 2024); got.Organisation != "Comune di Prova" || len(got.Periods) != 4 {
		t.Errorf("cycle = %+v", got)
	}
	// Now the installation has its organisation: the field is gone.
	if doc := parseHTML(t, c.get("/cicli/nuovo").Body); len(findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == "organisation" })) != 0 {
		t.Error("the form still asks for the organisation")
	}
}

func TestPlanCycle_Settings(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const path = "/cicli/2023/impostazioni"
	bands := func() url.Values {
		return url.Values{"form": {"soglie"}, "band_reached": {"90"}, "band_partial": {"40,5"}}
	}
	period := func() url.Values { return url.Values{"form": {"periodo"}, "ends_on": {"2023-10-31"}} }

	t.Run("Page", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		r := c.get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		doc := parseHTML(t, r.Body)
		if pfFieldValue(t, doc, "band_reached") != "95" || pfFieldValue(t, doc, "band_partial") != "50" {
			t.Error("the bands are not the cycle's")
		}
		rows := byTestID(doc, "period-row")
		if len(rows) != 4 {
			t.Fatalf("%d periods listed, want 4", len(rows))
		}
		if got := cellTexts(rows[0]); got[0] != "31/03/2023" || got[1] != "nessun dato" {
			t.Errorf("first period = %q", got)
		}
		if got := cellTexts(rows[3]); got[0] != "31/12/2023" || !strings.Contains(got[1], "valori consuntivi degli indicatori") {
			t.Errorf("last period = %q", got)
		}
		usersLabelled(t, "settings", doc)
	})

	t.Run("BandsOK", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		r := c.post(path, bands())
		pfRequireRedirect(t, "POST "+path, r, path)
		if f := pcFlash(t, c, r); f != "Regole di misurazione aggiornate." {
			t.Errorf("flash = %q", f)
		}
		if got := pcLoad(t, e, 2023).Bands; got != (domain.Bands{Reached: 90, Partial: 40.5}) {
			t.Errorf("bands = %+v", got)
		}
	})

	t.Run("BandsInvalid", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		set := func(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }
		pfCheckInvalid(t, e, c, path, []string{"band_reached", "band_partial"}, bands, []pfInvalid{
			{"ReachedMissing", set("band_reached", ""), "band_reached", "Indicare la soglia di raggiungimento."},
			{"PartialMissing", set("band_partial", ""), "band_partial", "Indicare la soglia di parziale raggiungimento."},
			{"ReachedNotNumber", set("band_reached", "molto"), "band_reached", "Inserire un numero, ad esempio 1.234,5."},
			{"ReachedOver100", set("band_reached", "101"), "band_reached", "La soglia di raggiungimento deve essere maggiore di 0 e al più 100."},
			{"PartialNegative", set("band_partial", "-1"), "band_partial", "La soglia di parziale raggiungimento deve essere compresa tra 0 e 100."},
			{"PartialNotBelow", set("band_partial", "90"), "band_partial", "La soglia di parziale raggiungimento deve essere minore della soglia di raggiungimento."},
		})
	})

	t.Run("PeriodOK", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		r := c.post(path, period())
		pfRequireRedirect(t, "POST "+path, r, path)
		if f := pcFlash(t, c, r); f != "Periodo del 31/10/2023 aggiunto." {
			t.Errorf("flash = %q", f)
		}
		if got := pcLoad(t, e, 2023).Periods; len(got) != 5 || !got[3].EndsOn.Equal(time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("periods = %+v", got)
		}
	})

	t.Run("PeriodInvalid", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		set := func(v string) func(url.Values) { return func(f url.Values) { f.Set("ends_on", v) } }
		pfCheckInvalid(t, e, c, path, []string{"ends_on"}, period, []pfInvalid{
			{"Missing", set(""), "ends_on", "Indicare la data di fine del periodo."},
			{"NotDate", set("31/02/2023"), "ends_on", "Data non valida: usare il formato gg/mm/aaaa."},
			{"OtherYear", set("2024-01-31"), "ends_on", "Il periodo del 31/01/2024 non cade nell'anno 2023."},
			{"Exists", set("30/06/2023"), "ends_on", "Il periodo del 30/06/2023 esiste già."},
		})
	})

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, path, bands())
		pcForbidden(t, e, pcReaders, path, period())
	})
}

func TestPlanCycle_DeletePeriod(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c23 := pcLoad(t, e, 2023)
	last := c23.Periods[len(c23.Periods)-1]
	path := "/cicli/2023/periodi/" + strconv.FormatInt(last.ID, 10) + "/elimina"
	n, err := e.st.PeriodData(context.Background(), last.ID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, path, url.Values{"conferma": {"si"}})
	})

	t.Run("Page", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		r := c.get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		want := []string{
			strconv.Itoa(n.Values) + " valori consuntivi degli indicatori",
			strconv.Itoa(n.Progress) + " consuntivi delle attività",
			strconv.Itoa(n.Reports) + " report di monitoraggio",
		}
		if got := texts(elements(oneByTestID(t, parseHTML(t, r.Body), "consequences"), atom.Li)); !equalStrings(got, want) {
			t.Errorf("consequences = %q, want %q", got, want)
		}
	})

	t.Run("ErrNotConfirmed", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		before := secSnapshot(t, e.pool)
		r := c.post(path, url.Values{})
		usersRequireStatus(t, "POST "+path+" without confirmation", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "Confermare l&#39;eliminazione con il pulsante «Elimina».") {
			t.Errorf("no request to confirm:\n%.1500s", r.Body)
		}
		secRequireUnchanged(t, "unconfirmed removal", before, secSnapshot(t, e.pool), "sessions")
	})

	t.Run("ErrOtherCycle", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		if r := c.get("/cicli/2024/periodi/" + strconv.FormatInt(last.ID, 10) + "/elimina"); r.Status != http.StatusNotFound {
			t.Errorf("a 2023 period under 2024: status %d, want 404", r.Status)
		}
	})

	t.Run("OK", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		r := c.post(path, url.Values{"conferma": {"si"}})
		pfRequireRedirect(t, "POST "+path, r, "/cicli/2023/impostazioni")
		if got := pcLoad(t, e, 2023); len(got.Periods) != 3 || secCount(t, e.pool, `SELECT count(*) FROM indicator_values`) != 0 {
			t.Errorf("after the removal: %d periods, %d values", len(got.Periods), secCount(t, e.pool, `SELECT count(*) FROM indicator_values`))
		}
	})

	t.Run("ErrLast", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		pfRequireRedirect(t, "new cycle", c.post("/cicli/nuovo", url.Values{"year": {"2027"}, "periods": {"31/12/2027"}}), "/cicli/2027")
		only := pcLoad(t, e, 2027).Periods[0]
		p := "/cicli/2027/periodi/" + strconv.FormatInt(only.ID, 10) + "/elimina"
		if r := c.get(p); r.Status != http.StatusOK || len(byTestID(parseHTML(t, r.Body), "blocked")) != 1 {
			t.Errorf("GET %s: status %d, want 200 saying why not", p, r.Status)
		}
		if r := c.post(p, url.Values{"conferma": {"si"}}); r.Status != http.StatusConflict {
			t.Errorf("POST %s: status %d, want 409", p, r.Status)
		}
		if len(pcLoad(t, e, 2027).Periods) != 1 {
			t.Error("the only period was deleted")
		}
	})
}

func TestPlanCycle_DeleteCycle(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const path = "/cicli/2024/elimina"

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, path, url.Values{"conferma": {"si"}, "conferma_anno": {"2024"}})
	})

	t.Run("Page", func(t *testing.T) {
		r := e.signedIn(t, "admin").get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		got := texts(elements(oneByTestID(t, parseHTML(t, r.Body), "consequences"), atom.Li))
		want := []string{"4 periodi di monitoraggio", "6 centri di responsabilità del ciclo", "18 obiettivi", "86 attività", "62 indicatori"}
		if !equalStrings(got, want) {
			t.Errorf("consequences = %q, want %q", got, want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		valid := func() url.Values { return url.Values{"conferma": {"si"}, "conferma_anno": {"2024"}} }
		set := func(v string) func(url.Values) { return func(f url.Values) { f.Set("conferma_anno", v) } }
		pfCheckInvalid(t, e, c, path, []string{"conferma_anno"}, valid, []pfInvalid{
			{"YearMissing", set(""), "conferma_anno", "Per confermare, scrivere l'anno del ciclo: 2024."},
			{"YearWrong", set("2023"), "conferma_anno", "Per confermare, scrivere l'anno del ciclo: 2024."},
		})
	})

	t.Run("OK", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		r := c.post(path, url.Values{"conferma": {"si"}, "conferma_anno": {"2024"}})
		pfRequireRedirect(t, "POST "+path, r, "/")
		if f := pcFlash(t, c, r); f != "Ciclo 2024 eliminato." {
			t.Errorf("flash = %q", f)
		}
		if _, err := e.st.LoadCycle(context.Background(), 2024); err == nil {
			t.Error("2024 is still there")
		}
		pcLoad(t, e, 2023)
	})

	t.Run("ErrApproved", func(t *testing.T) {
		if err := e.st.ApprovePlan(context.Background(), store.CLI, 2023, pcLoad(t, e, 2023).Version, "Delibera CdA n. 12 del 30/01/2023", time.Date(2023, 1, 30, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		c := e.signedIn(t, "admin")
		r := c.get("/cicli/2023/elimina")
		if r.Status != http.StatusOK || len(byTestID(parseHTML(t, r.Body), "blocked")) != 1 {
			t.Errorf("GET: status %d, want 200 saying why not", r.Status)
		}
		before := secSnapshot(t, e.pool)
		if r := c.post("/cicli/2023/elimina", url.Values{"conferma": {"si"}, "conferma_anno": {"2023"}}); r.Status != http.StatusConflict {
			t.Errorf("POST: status %d, want 409", r.Status)
		}
		secRequireUnchanged(t, "removal of an approved cycle", before, secSnapshot(t, e.pool), "sessions")
	})
}

func TestPlanCycle_Centres(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	first := pcLoad(t, e, 2023).Centres[0]
	centre := "/cicli/2023/centri/" + strconv.FormatInt(int64(first.ID), 10)
	valid := func() url.Values { return url.Values{"name": {"AREA TECNICA"}, "manager": {"Ing. Mario Rossi"}} }
	set := func(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }
	long := strings.Repeat("a", 201)

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, "/cicli/2023/centri/nuovo", valid())
		pcForbidden(t, e, pcReaders, centre+"/modifica", valid())
		pcForbidden(t, e, pcReaders, centre+"/elimina", url.Values{"conferma": {"si"}})
		pcForbidden(t, e, pcReaders, centre+"/sposta", url.Values{"direction": {"giu"}})
	})

	t.Run("NewInvalid", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		pfCheckInvalid(t, e, c, "/cicli/2023/centri/nuovo", []string{"name", "manager"}, valid, []pfInvalid{
			{"NameMissing", set("name", ""), "name", "Nome del centro mancante."},
			{"NameLong", set("name", long), "name", "Testo troppo lungo: al più 200 caratteri (ne ha 201)."},
			{"NameInCycle", set("name", "AREA DIREZIONE"), "name", `Il centro "AREA DIREZIONE" è già in questo ciclo.`},
			{"ManagerLong", set("manager", long), "manager", "Testo troppo lungo: al più 200 caratteri (ne ha 201)."},
		})
	})

	t.Run("NewOK", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		r := c.post("/cicli/2023/centri/nuovo", valid())
		got := pcLoad(t, e, 2023)
		last := got.Centres[len(got.Centres)-1]
		pfRequireRedirect(t, "POST new centre", r, "/cicli/2023#centro-"+strconv.FormatInt(int64(last.ID), 10))
		if len(got.Centres) != 7 || last.Name != "AREA TECNICA" || last.Manager != "Ing. Mario Rossi" {
			t.Errorf("centres after the creation: %d, last %+v", len(got.Centres), last)
		}
	})

	t.Run("EditInvalid", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		editValid := func() url.Values { return url.Values{"name": {"AREA DIREZIONE"}, "manager": {"Dott.ssa Anna Bianchi"}} }
		pfCheckInvalid(t, e, c, centre+"/modifica", []string{"name", "manager"}, editValid, []pfInvalid{
			{"NameMissing", set("name", " "), "name", "Nome del centro mancante."},
			{"NameInCycle", set("name", "AREA FINANZIARIA"), "name", `Il centro "AREA FINANZIARIA" è già in questo ciclo.`},
			{"ManagerLong", set("manager", long), "manager", "Testo troppo lungo: al più 200 caratteri (ne ha 201)."},
		})
	})

	t.Run("EditOK", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		if r := c.get(centre + "/modifica"); pfFieldValue(t, parseHTML(t, r.Body), "name") != "AREA DIREZIONE" {
			t.Fatalf("GET %s/modifica: the form does not hold the centre", centre)
		}
		pfRequireRedirect(t, "POST edit", c.post(centre+"/modifica", url.Values{"name": {"AREA DIREZIONE"}, "manager": {"Dott.ssa Anna Bianchi"}}), "/cicli/2023#centro-")
		if got := pcLoad(t, e, 2023).Centres[0]; got.Name != "AREA DIREZIONE" || got.Manager != "Dott.ssa Anna Bianchi" {
			t.Errorf("edited centre = %+v", got)
		}
		// Renaming in 2023 leaves 2024, which shares the centre, as it was.
		pfRequireRedirect(t, "POST rename", c.post(centre+"/modifica", url.Values{"name": {"AREA DIREZIONE GENERALE"}, "manager": {""}}), "/cicli/2023#centro-")
		if a, b := pcLoad(t, e, 2023).Centres[0].Name, pcLoad(t, e, 2024).Centres[0].Name; a != "AREA DIREZIONE GENERALE" || b != "AREA DIREZIONE" {
			t.Errorf("names after the rename: 2023 %q, 2024 %q", a, b)
		}
	})

	t.Run("Move", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		r := c.post(centre+"/sposta", url.Values{"direction": {"sideways"}})
		usersRequireStatus(t, "POST move sideways", r, http.StatusUnprocessableEntity)
		pfRequireRedirect(t, "POST move", c.post(centre+"/sposta", url.Values{"direction": {"giu"}}), "/cicli/2023#centro-")
		if got := pcLoad(t, e, 2023).Centres[1].ID; got != first.ID {
			t.Errorf("second centre after the move = %d, want %d", got, first.ID)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		r := c.get(centre + "/elimina")
		usersRequireStatus(t, "GET delete", r, http.StatusOK)
		wantFirst := strconv.Itoa(len(first.Objectives)) + " obiettivi"
		if len(first.Objectives) == 1 {
			wantFirst = "1 obiettivo"
		}
		if got := texts(elements(oneByTestID(t, parseHTML(t, r.Body), "consequences"), atom.Li)); len(got) == 0 || got[0] != wantFirst {
			t.Errorf("consequences = %q", got)
		}
		before := secSnapshot(t, e.pool)
		usersRequireStatus(t, "POST delete unconfirmed", c.post(centre+"/elimina", url.Values{}), http.StatusUnprocessableEntity)
		secRequireUnchanged(t, "unconfirmed removal", before, secSnapshot(t, e.pool), "sessions")
		pfRequireRedirect(t, "POST delete", c.post(centre+"/elimina", url.Values{"conferma": {"si"}}), "/cicli/2023")
		got := pcLoad(t, e, 2023)
		for _, ce := range got.Centres {
			if ce.ID == first.ID {
				t.Fatal("the centre is still in the cycle")
			}
		}
		if len(got.Centres) != 6 { // 6 + AREA TECNICA - 1
			t.Errorf("%d centres left", len(got.Centres))
		}
		if r := c.get(centre + "/modifica"); r.Status != http.StatusNotFound {
			t.Errorf("a deleted centre: status %d, want 404", r.Status)
		}
	})
}

// TestPlanCycle_Approval approves the plan, then a change without a
// variation is refused and one with a variation is listed.
func TestPlanCycle_Approval(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const path = "/cicli/2023/approva"
	valid := func() url.Values {
		return url.Values{"act": {"Delibera CdA n. 12 del 30/01/2023"}, "approved_on": {"30/01/2023"}}
	}
	first := pcLoad(t, e, 2023).Centres[0]
	centre := "/cicli/2023/centri/" + strconv.FormatInt(int64(first.ID), 10)

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, []string{"admin", "responsabile", "nucleo", "osservatore"}, path, valid())
	})

	t.Run("Invalid", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		set := func(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }
		tomorrow := time.Now().AddDate(0, 0, 2).Format("02/01/2006")
		pfCheckInvalid(t, e, c, path, []string{"act", "approved_on"}, valid, []pfInvalid{
			{"ActMissing", set("act", ""), "act", "Indicare l'atto di approvazione, ad esempio «Delibera CdA n. 12 del 30/01/2023»."},
			{"ActLong", set("act", strings.Repeat("x", 301)), "act", "L'atto può avere al più 300 caratteri."},
			{"DateMissing", set("approved_on", ""), "approved_on", "Indicare la data dell'atto."},
			{"DateBad", set("approved_on", "30/13/2023"), "approved_on", "Data non valida: usare il formato gg/mm/aaaa."},
			// A 2023 plan is approved in 2022 or 2023; "tomorrow" is past both
			// (the rule itself, future included, is tested in package plan).
			{"DateFuture", set("approved_on", tomorrow), "approved_on", "L'atto che approva il piano 2023 è del 2022 o del 2023."},
			{"DateTwoYearsBefore", set("approved_on", "01/06/2021"), "approved_on", "L'atto che approva il piano 2023 è del 2022 o del 2023."},
			{"DateNextYear", set("approved_on", "15/01/2024"), "approved_on", "L'atto che approva il piano 2023 è del 2022 o del 2023."},
		})
	})

	c := e.signedIn(t, "direttore")
	admin := e.signedIn(t, "admin")
	t.Run("OK", func(t *testing.T) {
		r := c.post(path, valid())
		pfRequireRedirect(t, "POST "+path, r, "/cicli/2023")
		if f := pcFlash(t, c, r); f != "Piano approvato: da ora ogni modifica è una variazione, con data e motivazione." {
			t.Errorf("flash = %q", f)
		}
		got := pcLoad(t, e, 2023)
		if got.ApprovalAct != "Delibera CdA n. 12 del 30/01/2023" || got.ApprovedOn == nil || got.ApprovedOn.Format(time.DateOnly) != "2023-01-30" {
			t.Errorf("approval = %q %v", got.ApprovalAct, got.ApprovedOn)
		}
		doc := parseHTML(t, e.signedIn(t, "osservatore").get("/cicli/2023").Body)
		if got := textOf(oneByTestID(t, doc, "approval")); got != "Delibera CdA n. 12 del 30/01/2023, in data 30/01/2023" {
			t.Errorf("approval on the cycle page = %q", got)
		}
		if href, _ := attr(oneByTestID(t, doc, "variations-link"), "href"); href != "/cicli/2023/variazioni" {
			t.Errorf("variations link = %q", href)
		}
		if r := c.get(path); len(byTestID(parseHTML(t, r.Body), "already-approved")) != 1 {
			t.Error("the approval page does not say the plan is approved")
		}
		if r := c.post(path, valid()); r.Status != http.StatusConflict {
			t.Errorf("second approval: status %d, want 409", r.Status)
		}
	})

	t.Run("ErrNoVariation", func(t *testing.T) {
		for _, tc := range []struct {
			path   string
			form   url.Values
			fields []string
		}{
			{centre + "/modifica", url.Values{"name": {first.Name}, "manager": {"Dott. Nuovo"}}, []string{"variation_on", "variation_reason"}},
			{"/cicli/2023/centri/nuovo", url.Values{"name": {"AREA TECNICA"}}, []string{"variation_on", "variation_reason"}},
			{centre + "/elimina", url.Values{"conferma": {"si"}}, []string{"variation_on", "variation_reason"}},
			{"/cicli/2023/impostazioni", url.Values{"form": {"soglie"}, "band_reached": {"90"}, "band_partial": {"40"}}, []string{"variation_on", "variation_reason"}},
			{"/cicli/2023/impostazioni", url.Values{"form": {"periodo"}, "ends_on": {"2023-10-31"}}, []string{"period_variation_on", "period_variation_reason"}},
		} {
			before := secSnapshot(t, e.pool)
			r := admin.post(tc.path, tc.form)
			usersRequireStatus(t, "POST "+tc.path+" without variation", r, http.StatusUnprocessableEntity)
			doc := parseHTML(t, r.Body)
			for _, f := range tc.fields {
				if usersFieldError(t, doc, f) == "" {
					t.Errorf("POST %s: no error on %s", tc.path, f)
				}
			}
			secRequireUnchanged(t, "POST "+tc.path+" without variation", before, secSnapshot(t, e.pool), "sessions")
		}
		// A move has no room for a variation: refused.
		if r := admin.post(centre+"/sposta", url.Values{"direction": {"giu"}}); r.Status != http.StatusConflict {
			t.Errorf("move of an approved plan: status %d, want 409", r.Status)
		}
	})

	t.Run("Variations", func(t *testing.T) {
		variation := url.Values{"variation_on": {"2023-06-15"}, "variation_reason": {"Nuovo responsabile nominato"}}
		form := url.Values{"name": {first.Name}, "manager": {"Dott. Nuovo"}}
		for k, v := range variation {
			form[k] = v
		}
		pfRequireRedirect(t, "POST edit with variation", admin.post(centre+"/modifica", form), "/cicli/2023#centro-")
		pfRequireRedirect(t, "POST period with variation", admin.post("/cicli/2023/impostazioni", url.Values{"form": {"periodo"}, "ends_on": {"31/10/2023"},
			"period_variation_on": {"20/07/2023"}, "period_variation_reason": {"Monitoraggio straordinario"}}), "/cicli/2023/impostazioni")
		form = url.Values{"form": {"soglie"}, "band_reached": {"90"}, "band_partial": {"50"}, "variation_on": {"2023-08-01"}, "variation_reason": {"Soglie del nuovo sistema di valutazione"}}
		pfRequireRedirect(t, "POST bands with variation", admin.post("/cicli/2023/impostazioni", form), "/cicli/2023/impostazioni")

		r := e.signedIn(t, "responsabile").get("/cicli/2023/variazioni")
		usersRequireStatus(t, "GET variations", r, http.StatusOK)
		rows := byTestID(parseHTML(t, r.Body), "variation-row")
		want := [][]string{
			{"15/06/2023", "Nuovo responsabile nominato", "Modifica: Centro di responsabilità «AREA DIREZIONE»", "Responsabile: (vuoto) → «Dott. Nuovo»", e.emails["admin"]},
			{"20/07/2023", "Monitoraggio straordinario", "Aggiunta: Periodo di monitoraggio del 31/10/2023", "Fine del periodo: 31/10/2023", e.emails["admin"]},
			{"01/08/2023", "Soglie del nuovo sistema di valutazione", "Modifica: Soglie di valutazione", "Soglia di raggiungimento: 95 → 90", e.emails["admin"]},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d variations listed, want %d", len(rows), len(want))
		}
		for i, row := range rows {
			got := cellTexts(row)
			if !equalStrings(got, want[i]) {
				t.Errorf("variation %d:\n got %q\nwant %q", i+1, got, want[i])
			}
		}
	})
}

func TestPlanCycle_Variations_NotApproved(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	r := e.signedIn(t, "osservatore").get("/cicli/2024/variazioni")
	usersRequireStatus(t, "GET variations", r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	if len(byTestID(doc, "no-variations")) != 1 || !strings.Contains(textOf(oneByTestID(t, doc, "approval")), "non è ancora approvato") {
		t.Errorf("the page of a plan not approved:\n%.1500s", r.Body)
	}
	if r := e.signedIn(t, "osservatore").get("/cicli/1999/variazioni"); r.Status != http.StatusNotFound {
		t.Errorf("variations of a missing cycle: status %d, want 404", r.Status)
	}
}

// TestPlanCycle_CarryOver carries the demo 2023 over into 2024 through the
// browser and compares the result with the 2023 plan, months a year later.
func TestPlanCycle_CarryOver(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	if err := e.st.DeleteCycle(ctx, store.CLI, 2024); err != nil { // the demo's own carry over
		t.Fatal(err)
	}
	const path = "/cicli/2023/riporta"

	t.Run("Forbidden", func(t *testing.T) {
		pcForbidden(t, e, pcReaders, path, url.Values{})
	})

	t.Run("OK", func(t *testing.T) {
		c := e.signedIn(t, "direttore")
		r := c.post(path, url.Values{})
		pfRequireRedirect(t, "POST "+path, r, "/cicli/2024")
		if f := pcFlash(t, c, r); !strings.HasPrefix(f, "Piano 2023 riportato nel ciclo 2024:") {
			t.Errorf("flash = %q", f)
		}
		pcRequireCarriedOver(t, pcLoad(t, e, 2023), pcLoad(t, e, 2024))
	})

	t.Run("ErrExists", func(t *testing.T) {
		c := e.signedIn(t, "admin")
		before := secSnapshot(t, e.pool)
		r := c.post(path, url.Values{})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Il ciclo 2024 esiste già.") {
			t.Errorf("second carry over: status %d, want 409 saying why", r.Status)
		}
		secRequireUnchanged(t, "second carry over", before, secSnapshot(t, e.pool), "sessions")
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if r := e.signedIn(t, "admin").post("/cicli/1999/riporta", url.Values{}); r.Status != http.StatusNotFound {
			t.Errorf("carry over of a missing cycle: status %d, want 404", r.Status)
		}
	})
}

// pcRequireCarriedOver checks that to is from a year later: centres,
// objectives, activities with their planned months a year later, indicators
// with their expected values, and no data.
func pcRequireCarriedOver(t *testing.T, from, to *plan.Cycle) {
	t.Helper()
	if to.Year != from.Year+1 || to.ApprovalAct != "" || to.Bands != from.Bands || len(to.Periods) != len(from.Periods) || len(to.Centres) != len(from.Centres) {
		t.Fatalf("cycle %d: approval %q, bands %+v, %d periods, %d centres", to.Year, to.ApprovalAct, to.Bands, len(to.Periods), len(to.Centres))
	}
	for i, p := range from.Periods {
		if !to.Periods[i].EndsOn.Equal(p.EndsOn.AddDate(1, 0, 0)) {
			t.Errorf("period %d: %v, want a year after %v", i, to.Periods[i].EndsOn, p.EndsOn)
		}
	}
	later := func(m *domain.Month) string {
		if m == nil {
			return "-"
		}
		return domain.Month{Year: m.Year + 1, Month: m.Month}.String()
	}
	same := func(m *domain.Month) string {
		if m == nil {
			return "-"
		}
		return m.String()
	}
	shifted := 0
	for i, fc := range from.Centres {
		tc := to.Centres[i]
		if tc.Name != fc.Name || tc.Manager != fc.Manager || len(tc.Objectives) != len(fc.Objectives) {
			t.Errorf("centre %d: %q (%q), %d objectives; want %q (%q), %d", i, tc.Name, tc.Manager, len(tc.Objectives), fc.Name, fc.Manager, len(fc.Objectives))
			continue
		}
		for j, fo := range fc.Objectives {
			ob := tc.Objectives[j]
			if ob.Section != fo.Section || ob.Number != fo.Number || ob.Title != fo.Title || ob.DescriptionHTML != fo.DescriptionHTML ||
				ob.StrategicArea != fo.StrategicArea || ob.OperationalObjective != fo.OperationalObjective || ob.PEGProject != fo.PEGProject ||
				ob.Services != fo.Services || ob.EndUsers != fo.EndUsers || ob.Networks != fo.Networks || ob.Group != fo.Group ||
				len(ob.Reports) != 0 || len(ob.Activities) != len(fo.Activities) || len(ob.Indicators) != len(fo.Indicators) {
				t.Errorf("%s objective %d differs", fc.Name, fo.Number)
				continue
			}
			for k, fa := range fo.Activities {
				ta := ob.Activities[k]
				if ta.Description != fa.Description || ta.Planned.Annual != fa.Planned.Annual ||
					same(ta.Planned.From) != later(fa.Planned.From) || same(ta.Planned.To) != later(fa.Planned.To) || len(ta.Progress) != 0 {
					t.Errorf("%s objective %d activity %d: %s..%s annual %v, want %s..%s annual %v", fc.Name, fo.Number, k+1,
						same(ta.Planned.From), same(ta.Planned.To), ta.Planned.Annual, later(fa.Planned.From), later(fa.Planned.To), fa.Planned.Annual)
				}
				if fa.Planned.From != nil {
					shifted++
				}
			}
			for k, fi := range fo.Indicators {
				ti := ob.Indicators[k]
				if ti.Name != fi.Name || ti.Unit != fi.Unit || ti.Polarity != fi.Polarity || ti.Expected != fi.Expected || len(ti.Values) != 0 || ti.Actual != nil {
					t.Errorf("%s objective %d indicator %d: %q %v %s, %d values; want %q %v %s, none", fc.Name, fo.Number, k+1,
						ti.Name, ti.Expected, ti.Unit, len(ti.Values), fi.Name, fi.Expected, fi.Unit)
				}
			}
		}
	}
	if shifted == 0 {
		t.Error("no activity with planned months: the comparison proved nothing")
	}
}

// TestPlanCycle_Links shows each role only the buttons it may use.
func TestPlanCycle_Links(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	for _, role := range []string{"admin", "direttore", "responsabile", "nucleo", "osservatore"} {
		c := e.signedIn(t, role)
		home := parseHTML(t, c.get("/").Body)
		cycle := parseHTML(t, c.get("/cicli/2023").Body)
		edit, approve := role == "admin" || role == "direttore", role == "direttore"
		checks := []struct {
			doc  *html.Node
			id   string
			want bool
		}{
			{home, "new-cycle-link", edit},
			{cycle, "settings-link", edit},
			{cycle, "new-centre-link", edit},
			{cycle, "carry-over", edit},
			{cycle, "delete-cycle-link", edit},
			{cycle, "approve-link", approve},
		}
		for _, ch := range checks {
			if got := len(byTestID(ch.doc, ch.id)) == 1; got != ch.want {
				t.Errorf("%s sees %s: %v, want %v", role, ch.id, got, ch.want)
			}
		}
		want := 0
		if edit {
			want = 6
		}
		if got := len(byTestID(cycle, "centre-actions")); got != want {
			t.Errorf("%s sees %d centre actions, want %d", role, got, want)
		}
		if got := textOf(oneByTestID(t, cycle, "plan-status")); !strings.Contains(got, "Piano non approvato") {
			t.Errorf("%s: plan status %q", role, got)
		}
	}
}

// TestPlanCycle_BrowserAccessibility opens each page of the cycle forms in a
// real Chromium, as the direttore, and checks it with axe-core: empty, with
// field errors, and with the variation fields of an approved plan.
func TestPlanCycle_BrowserAccessibility(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("signing in",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-cycle-link"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	c23 := pcLoad(t, e, 2023)
	centre := "/cicli/2023/centri/" + strconv.FormatInt(int64(c23.Centres[0].ID), 10)
	period := "/cicli/2023/periodi/" + strconv.FormatInt(c23.Periods[3].ID, 10) + "/elimina"
	open := func(path, waitFor string) {
		t.Helper()
		do("opening "+path, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
		browsertest.AssertAccessible(t, ctx)
	}
	submit := func(button string) {
		t.Helper()
		do("submitting "+button, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)))
		browsertest.AssertAccessible(t, ctx)
	}
	open("/cicli/2023", `[data-testid="cycle-actions"]`)
	open("/cicli/nuovo", `[data-testid="cycle-form"]`)
	do("clearing the year", chromedp.SetValue(chromedp.CSS("#year"), " "))
	submit(`[data-testid="save"]`)
	open("/cicli/2023/impostazioni", `[data-testid="periods"]`)
	do("clearing a band", chromedp.SetValue(chromedp.CSS("#band_reached"), " "))
	submit(`[data-testid="save-bands"]`)
	open(period, `[data-testid="consequences"]`)
	open("/cicli/2024/elimina", `[data-testid="consequences"]`)
	submit(`[data-testid="confirm-delete"]`)
	open("/cicli/2023/centri/nuovo", `[data-testid="centre-form"]`)
	submit(`[data-testid="save"]`)
	open(centre+"/modifica", `[data-testid="centre-form"]`)
	open(centre+"/elimina", `[data-testid="consequences"]`)
	open("/cicli/2023/approva", `[data-testid="approve-form"]`)
	submit(`[data-testid="approve"]`)

	// The approved plan: variation fields, the list of variations.
	if err := e.st.ApprovePlan(context.Background(), store.CLI, 2023, pcLoad(t, e, 2023).Version, "Delibera CdA n. 12 del 30/01/2023", time.Date(2023, 1, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	v := store.Change{Actor: store.CLI, Version: pcLoad(t, e, 2023).Centres[0].Version,
		Variation: &store.Variation{On: time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC), Reason: "Riorganizzazione"}}
	if err := e.st.UpdateCentre(context.Background(), v, c23.Centres[0].ID, "AREA DIREZIONE", "Dott. Nuovo"); err != nil {
		t.Fatal(err)
	}
	open("/cicli/2023", `[data-testid="variations-link"]`)
	open("/cicli/2023/impostazioni", "#period_variation_on")
	open(centre+"/modifica", "#variation_on")
	submit(`[data-testid="save"]`)
	open("/cicli/2023/variazioni", `[data-testid="variation-row"]`)
	open("/cicli/2023/elimina", `[data-testid="blocked"]`)
	open("/cicli/2023/approva", `[data-testid="already-approved"]`)
}
