package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// e2eObjective is one of AREA FINANZIARIA's objectives of 2024, with its
// indicators and activities in order.
type e2eObjective struct {
	id                     int64
	indicators, activities []int64
}

// TestBrowser_MonitoringDoneWhen is issue 9's "done when", in Chromium with
// axe on every new page state: the demo manager of AREA FINANZIARIA fills
// in the first quarter of 2024 for both objectives (a value for each
// indicator, one below target with its reason; each activity's actual
// months or a reason; a status; a report) and submits, refused first for a
// late activity without its reason (the refusal links the field); the
// director returns it with a comment; the manager sees the comment on his
// areas and on the form, fixes a value and resubmits; the director
// approves; the form then reads as locked; the values show on the
// objective pages at 31/03/2024 and in their history, and the JSON export
// carries values, reasons, statuses and the state "approvato". Before and
// after the flow, the manager of AREA MINORI cannot change AREA
// FINANZIARIA's entry by any forged request: every one is refused and no
// table changes.
func TestBrowser_MonitoringDoneWhen(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	bg := context.Background()

	// The records of the flow.
	var pid, pid2023, centre, minoriObjective, minoriIndicator int64
	if err := e.pool.QueryRow(bg, `
		SELECT (SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024 AND p.ends_on = '2024-03-31'),
		       (SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2023 AND p.ends_on = '2023-03-31'),
		       (SELECT cc.id FROM cycle_centres cc JOIN centres ce ON ce.id = cc.centre_id JOIN cycles c ON c.id = cc.cycle_id
		         WHERE c.year = 2024 AND ce.name = 'AREA FINANZIARIA')`).Scan(&pid, &pid2023, &centre); err != nil {
		t.Fatalf("records of 2024: %v", err)
	}
	if err := e.pool.QueryRow(bg, `
		SELECT o.id, (SELECT min(i.id) FROM indicators i WHERE i.objective_id = o.id)
		FROM objectives o JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN centres ce ON ce.id = cc.centre_id
		JOIN cycles cy ON cy.id = o.cycle_id WHERE cy.year = 2024 AND ce.name LIKE 'AREA MINORI%' ORDER BY o.position LIMIT 1`).Scan(&minoriObjective, &minoriIndicator); err != nil {
		t.Fatalf("AREA MINORI in 2024: %v", err)
	}
	ids := func(sql string, args ...any) []int64 {
		rows, err := e.pool.Query(bg, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	var objs []e2eObjective
	for _, id := range ids(`SELECT id FROM objectives WHERE cycle_centre_id = $1 ORDER BY position`, centre) {
		objs = append(objs, e2eObjective{id: id,
			indicators: ids(`SELECT id FROM indicators WHERE objective_id = $1 ORDER BY position`, id),
			activities: ids(`SELECT id FROM activities WHERE objective_id = $1 ORDER BY position`, id)})
	}
	if len(objs) != 2 || len(objs[0].indicators) != 4 || len(objs[0].activities) != 6 ||
		len(objs[1].indicators) != 4 || len(objs[1].activities) != 8 {
		t.Fatalf("AREA FINANZIARIA in 2024: %+v; want 2 objectives of 4 indicators, 6 and 8 activities", objs)
	}
	submission := paths.Submission(2024, pid, domain.CycleCentreID(centre))
	form := func(o e2eObjective) string { return paths.Progress(2024, o.id, pid) }

	// forged: the manager of AREA MINORI tries every way into AREA
	// FINANZIARIA's entry; each is refused and no table changes.
	minori := e.client(t)
	minori.signIn("responsabile.minori@traguardo.test", demo.DefaultPassword)
	forged := func(t *testing.T) {
		theirs := url.Values{ind(objs[0].indicators[0], "value"): {"0"}, act(objs[0].activities[0], "reason"): {"x"},
			"status": {"critico"}, "text_html": {"<p>forgiato</p>"}, "version": {"0"}}
		mine := url.Values{ind(objs[0].indicators[0], "value"): {"0"}, ind(minoriIndicator, "value"): {"1"}, "version": {"0"}}
		mineActivity := url.Values{act(objs[1].activities[3], "reason"): {"x"}, "version": {"0"}}
		for _, tc := range []struct {
			name, path string
			form       url.Values
			want       int
		}{
			{"entry of FINANZIARIA's objective 1", form(objs[0]), theirs, http.StatusForbidden},
			{"entry of FINANZIARIA's objective 2", form(objs[1]), theirs, http.StatusForbidden},
			{"his objective with FINANZIARIA's indicator", paths.Progress(2024, minoriObjective, pid), mine, http.StatusUnprocessableEntity},
			{"his objective with FINANZIARIA's activity", paths.Progress(2024, minoriObjective, pid), mineActivity, http.StatusUnprocessableEntity},
			{"FINANZIARIA's objective at a 2023 period", paths.Progress(2024, objs[0].id, pid2023), theirs, http.StatusNotFound},
			{"FINANZIARIA's objective under 2023", paths.Progress(2023, objs[0].id, pid), theirs, http.StatusNotFound},
			{"submit FINANZIARIA's period", submission + "/invia", url.Values{"version": {"0"}}, http.StatusForbidden},
			{"approve FINANZIARIA's period", submission + "/approva", url.Values{"version": {"0"}}, http.StatusForbidden},
			{"return FINANZIARIA's period", submission + "/restituisci", url.Values{"version": {"0"}, "comment": {"x"}}, http.StatusForbidden},
			{"reopen FINANZIARIA's period", submission + "/riapri", url.Values{"until": {"31/12/2099"}, "reason": {"x"}}, http.StatusForbidden},
			{"submit FINANZIARIA at a 2023 period", paths.Submission(2024, pid2023, domain.CycleCentreID(centre)) + "/invia", url.Values{"version": {"0"}}, http.StatusNotFound},
			{"submit FINANZIARIA under 2023", paths.Submission(2023, pid, domain.CycleCentreID(centre)) + "/invia", url.Values{"version": {"0"}}, http.StatusNotFound},
		} {
			before := secSnapshot(t, e.pool)
			r := minori.post(tc.path, tc.form)
			if r.Status != tc.want {
				t.Errorf("%s (POST %s): %d, want %d", tc.name, tc.path, r.Status, tc.want)
			}
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, e.pool), "sessions")
		}
	}
	t.Run("forged before the flow", forged)

	// step runs a step of the flow; the next ones build on it, so a failed
	// step ends the test.
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	ctx := browsertest.New(t)
	do := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 40*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(t *testing.T, sel string) string { t.Helper(); return visibleText(t, ctx, sel) }
	eval := func(t *testing.T, js string, out any) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		raw, err := chromedp.Run(sctx, chromedp.Evaluate[json.RawMessage](js))
		if err == nil {
			err = json.Unmarshal(raw, out)
		}
		if err != nil {
			t.Fatalf("evaluating %s: %v", js, err)
		}
	}
	signIn := func(t *testing.T, email string, landing string) {
		t.Helper()
		do(t, "sign in as "+email,
			chromedp.Navigate(e.srv.URL+"/accedi"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
			chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
			chromedp.WaitVisible(chromedp.CSS(landing)),
		)
	}
	signOut := func(t *testing.T) {
		t.Helper()
		do(t, "sign out", chromedp.Click(chromedp.CSS(`[data-testid="sign-out"]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)))
	}
	openForm := func(t *testing.T, o e2eObjective) {
		t.Helper()
		do(t, "open the form", chromedp.Navigate(e.srv.URL+form(o)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="progress-form"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)))
	}
	save := func(t *testing.T) {
		t.Helper()
		do(t, "save the draft", chromedp.Click(chromedp.CSS(`[data-testid="progress-form"] [data-testid="save"]`)),
			chromedp.WaitVisible(`//*[@data-testid="flash"][contains(normalize-space(), "Avanzamento salvato come bozza.")]`))
	}
	set := func(field, value string) chromedp.Action[chromedp.Void] {
		return chromedp.SetValue(chromedp.CSS("#"+field), value)
	}

	step("manager fills in the first quarter", func(t *testing.T) {
		signIn(t, "responsabile.finanziaria@traguardo.test", `[data-testid="my-centre"]`)
		var current string
		eval(t, `document.querySelector('[data-testid="main-nav"] [aria-current="page"]').textContent.trim()`, &current)
		if current != "Le mie aree" {
			t.Errorf("the menu's current entry on /mie-aree: %q, want Le mie aree", current)
		}
		browsertest.AssertAccessible(t, ctx)

		// Objective 1: expected 3, 5, 10, 1; the first below target with
		// its reason. Activities planned April to December and annual:
		// none started but the annual one, each with a word.
		o := objs[0]
		openForm(t, o)
		if got := text(t, `[data-testid="submission-link"]`); !strings.Contains(got, "Invio del periodo al direttore") {
			t.Errorf("the form's link to the submission: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		steps := []chromedp.Action[chromedp.Void]{
			set(ind(o.indicators[0], "value"), "1"), set(ind(o.indicators[0], "reason"), "Corsi previsti nel secondo semestre"),
			set(ind(o.indicators[1], "value"), "5"), set(ind(o.indicators[2], "value"), "10"), set(ind(o.indicators[3], "value"), "1"),
		}
		for _, a := range o.activities[:5] {
			steps = append(steps, set(act(a, "reason"), "Non ancora avviata: prevista nei prossimi mesi"))
		}
		steps = append(steps, chromedp.Click(chromedp.CSS("#"+act(o.activities[5], "annual"))),
			set("status", "in linea"), chromedp.Click(chromedp.CSS("#text_html-editor")), pbInsertText("Primo trimestre: formazione rinviata."))
		do(t, "fill objective 1", steps...)
		save(t)
		browsertest.AssertAccessible(t, ctx)

		// Objective 2: every value on target; activities of January and
		// February done, the fourth ended in March (late) and its reason
		// left out for now; the annual ones annual.
		o = objs[1]
		openForm(t, o)
		steps = []chromedp.Action[chromedp.Void]{
			set(ind(o.indicators[0], "value"), "25"), set(ind(o.indicators[1], "value"), "3"),
			set(ind(o.indicators[2], "value"), "1"), set(ind(o.indicators[3], "value"), "3"),
			set(act(o.activities[0], "from"), "2024-01"), set(act(o.activities[0], "to"), "2024-01"),
			set(act(o.activities[1], "from"), "2024-01"), set(act(o.activities[1], "to"), "2024-01"),
			set(act(o.activities[2], "from"), "2024-02"), set(act(o.activities[2], "to"), "2024-02"),
			set(act(o.activities[3], "from"), "2024-02"), set(act(o.activities[3], "to"), "2024-03"),
		}
		for _, a := range o.activities[4:] {
			steps = append(steps, chromedp.Click(chromedp.CSS("#"+act(a, "annual"))))
		}
		steps = append(steps, set("status", "a rischio"), chromedp.Click(chromedp.CSS("#text_html-editor")),
			pbInsertText("Primo trimestre: rendicontazione avviata."))
		do(t, "fill objective 2", steps...)
		save(t)
		if got := text(t, `[data-testid="reasons-missing"]`); !strings.Contains(got, "ttività 4 è in ritardo") {
			t.Errorf("the form's missing reasons: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
	})

	step("manager submits: refused for the reason, then sent", func(t *testing.T) {
		do(t, "back to my areas, to the submission",
			chromedp.Navigate(e.srv.URL+paths.MyAreas),
			chromedp.Click(chromedp.CSS(`[data-testid="my-centre"] [data-testid="submission-link"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="submit-form"]`)))
		browsertest.AssertAccessible(t, ctx)
		do(t, "submit", chromedp.Click(chromedp.CSS(`[data-testid="submit-form"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="missing-reasons"][role="alert"]`)))
		if got := text(t, `[data-testid="missing-reasons"]`); !strings.Contains(got, "Il periodo non è stato inviato") ||
			!strings.Contains(got, "Obiettivo 2: l'attività 4 è in ritardo") {
			t.Errorf("the refusal: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		reason := act(objs[1].activities[3], "reason")
		do(t, "follow the refusal's link to the field",
			chromedp.Click(chromedp.CSS(`[data-testid="missing-reasons"] a`)),
			chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)),
			set(reason, "Attesa delle circolari RGS"))
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if want := e.srv.URL + form(objs[1]) + "#" + reason; loc != want {
			t.Errorf("the refusal's link led to %s, want %s", loc, want)
		}
		save(t)
		do(t, "submit again",
			chromedp.Click(chromedp.CSS(`[data-testid="submission-link"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="submit-form"]`)),
			chromedp.Click(chromedp.CSS(`[data-testid="submit-form"] button`)),
			chromedp.WaitVisible(`//*[@data-testid="flash"][contains(., "Monitoraggio inviato al direttore.")]`))
		if got := text(t, `[data-testid="state"]`); got != "Inviato" {
			t.Errorf("state after submitting: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		signOut(t)
	})

	comment := "Obiettivo 2, indicatore 1: gli incontri del trimestre sono 27, non 25."
	step("director returns it with a comment", func(t *testing.T) {
		signIn(t, "direttore@traguardo.test", `[data-testid="main-nav"]`)
		do(t, "open the centre's period",
			chromedp.Navigate(e.srv.URL+submission),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="return-form"]`)))
		browsertest.AssertAccessible(t, ctx)
		do(t, "return",
			chromedp.SendKeys(chromedp.CSS("#comment"), comment),
			chromedp.Click(chromedp.CSS(`[data-testid="return-form"] button`)),
			chromedp.WaitVisible(`//*[@data-testid="flash"][contains(., "Monitoraggio restituito al centro.")]`))
		if got := text(t, `[data-testid="comment"]`); got != comment {
			t.Errorf("the comment on the page: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		signOut(t)
	})

	step("manager sees the comment, fixes and resubmits", func(t *testing.T) {
		signIn(t, "responsabile.finanziaria@traguardo.test", `[data-testid="my-centre"]`)
		if got := text(t, `[data-testid="my-centre"] [data-testid="returned"]`); !strings.Contains(got, comment) {
			t.Errorf("my areas after the return: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		do(t, "open objective 2 from my areas",
			chromedp.Click(`(//li[@data-testid="my-objective"])[2]/a`),
			chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)))
		if got := text(t, `[data-testid="returned"]`); !strings.Contains(got, comment) {
			t.Errorf("the form after the return: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
		do(t, "fix the value", set(ind(objs[1].indicators[0], "value"), "27"))
		save(t)
		do(t, "resubmit",
			chromedp.Click(chromedp.CSS(`[data-testid="submission-link"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="submit-form"]`)),
			chromedp.Click(chromedp.CSS(`[data-testid="submit-form"] button`)),
			chromedp.WaitVisible(`//*[@data-testid="flash"][contains(., "Monitoraggio inviato al direttore.")]`))
		signOut(t)
	})

	step("director approves", func(t *testing.T) {
		signIn(t, "direttore@traguardo.test", `[data-testid="main-nav"]`)
		do(t, "open the submission",
			chromedp.Navigate(e.srv.URL+submission),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="approve-form"]`)))
		// The review shows what was sent: each objective with its values
		// and reasons.
		sent, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="sent-indicator"]')).map(r => r.innerText)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) == 0 || !strings.Contains(strings.Join(sent, "\n"), "Corsi previsti nel secondo semestre") {
			t.Errorf("the review page shows no values or reasons sent: %q", sent)
		}
		do(t, "approve, then confirm",
			chromedp.Click(chromedp.CSS(`[data-testid="approve-form"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="approve-confirm"]`)),
			chromedp.Click(chromedp.CSS(`[data-testid="confirm-approve"]`)),
			chromedp.WaitVisible(`//*[@data-testid="flash"][contains(., "Monitoraggio approvato.")]`))
		if got := text(t, `[data-testid="state"]`); got != "Approvato" {
			t.Errorf("state after approving: %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
	})

	step("the objective pages show the values and their history", func(t *testing.T) {
		for i, o := range objs {
			want := [][]string{{"1", "5", "10", "1"}, {"27", "3", "1", "3"}}[i]
			do(t, "open the objective at 31/03/2024",
				chromedp.Navigate(e.srv.URL+paths.AsOf(paths.Objective(2024, o.id), time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="figures-at"]`)))
			if got := text(t, `[data-testid="figures-at"]`); !strings.Contains(got, "Dati al 31/03/2024") {
				t.Errorf("objective %d: figures at %q", i+1, got)
			}
			var actual []string
			eval(t, `[...document.querySelectorAll('[data-testid="indicator-actual"]')].map(e => e.innerText.trim())`, &actual)
			for j, w := range want {
				if j >= len(actual) || !strings.HasPrefix(actual[j], w) {
					t.Errorf("objective %d: values at 31/03/2024 %q, want %v", i+1, actual, want)
					break
				}
			}
			row := text(t, `[data-testid="history-row"]`)
			if !strings.HasPrefix(row, "31/03/2024") || !strings.Contains(row, "approvato") {
				t.Errorf("objective %d: history row %q", i+1, row)
			}
			hist := text(t, `[data-testid="history-period"]`)
			for _, w := range []string{"Al 31/03/2024", "Stato: " + []string{"in linea", "a rischio"}[i],
				[]string{"Corsi previsti nel secondo semestre", "Attesa delle circolari RGS"}[i]} {
				if !strings.Contains(hist, w) {
					t.Errorf("objective %d: history lacks %q: %s", i+1, w, hist)
				}
			}
			if i == 0 {
				browsertest.AssertAccessible(t, ctx)
			}
		}
		signOut(t)
	})

	step("the approved entry reads as locked", func(t *testing.T) {
		signIn(t, "responsabile.finanziaria@traguardo.test", `[data-testid="main-nav"]`)
		do(t, "open the form", chromedp.Navigate(e.srv.URL+form(objs[1])),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="closed"]`)))
		if got := text(t, `[data-testid="closed"]`); !strings.Contains(got, "approvato") {
			t.Errorf("the closed form says %q", got)
		}
		var disabled, saveButtons int
		eval(t, `[...document.querySelectorAll('[data-testid="progress-form"] input:not([type=hidden]), [data-testid="progress-form"] select, [data-testid="progress-form"] textarea')].filter(e => !e.matches(':disabled')).length`, &disabled)
		eval(t, `document.querySelectorAll('[data-testid="save"], #text_html-editor').length`, &saveButtons)
		if disabled != 0 || saveButtons != 0 {
			t.Errorf("the approved form: %d fields enabled, %d save buttons or editors; want none", disabled, saveButtons)
		}
		if got := text(t, `[data-testid="report"]`); !strings.Contains(got, "rendicontazione avviata") {
			t.Errorf("the locked report reads %q", got)
		}
		browsertest.AssertAccessible(t, ctx)
	})

	step("the JSON export carries it", func(t *testing.T) {
		r := e.signedIn(t, "direttore").get("/cicli/2024/export.json")
		if r.Status != http.StatusOK {
			t.Fatalf("export: %d", r.Status)
		}
		var doc interchange.Document
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatalf("export: %v", err)
		}
		var fin *interchange.Centre
		for i := range doc.Centres {
			if doc.Centres[i].Name == "AREA FINANZIARIA" {
				fin = &doc.Centres[i]
			}
		}
		if fin == nil || len(fin.Objectives) != 2 {
			t.Fatalf("AREA FINANZIARIA in the export: %+v", fin)
		}
		var subs []string
		for _, s := range fin.Submissions {
			subs = append(subs, s.Period+" "+s.State)
		}
		if strings.Join(subs, ",") != "2024-03-31 approvato" {
			t.Errorf("submissions %q, want 2024-03-31 approvato", subs)
		}
		var got []string
		for _, o := range fin.Objectives {
			for _, in := range o.Indicators {
				for _, v := range in.Values {
					s := fmt.Sprintf("%d %s %s=%v", o.Number, v.Period, in.Name, v.Value.Num)
					if v.Reason != nil {
						s += " (" + *v.Reason + ")"
					}
					got = append(got, s)
				}
			}
			for _, rep := range o.Reports {
				if rep.Status != nil {
					got = append(got, fmt.Sprintf("%d %s stato=%s", o.Number, rep.Period, *rep.Status))
				}
			}
			for j, a := range o.Activities {
				for _, p := range a.Progress {
					if p.Reason != nil && *p.Reason != "" && !strings.HasPrefix(*p.Reason, "Non ancora avviata") {
						got = append(got, fmt.Sprintf("%d %s attività %d: %s", o.Number, p.Period, j+1, *p.Reason))
					}
				}
			}
		}
		want := []string{
			"1 2024-03-31 Giornate di formazione=1 (Corsi previsti nel secondo semestre)",
			"1 2024-03-31 Incontri con Aree Funzionali=5", "1 2024-03-31 Incontri=10", "1 2024-03-31 Elaborati=1",
			"1 2024-03-31 stato=in linea",
			"2 2024-03-31 Incontri=27", "2 2024-03-31 Giornate di formazione=3", "2 2024-03-31 Elaborati=1", "2 2024-03-31 Strumenti=3",
			"2 2024-03-31 stato=a rischio",
			"2 2024-03-31 attività 4: Attesa delle circolari RGS",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the export of AREA FINANZIARIA:\n got %q\nwant %q", got, want)
		}
	})

	t.Run("forged after the flow", forged)
}
