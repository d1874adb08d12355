package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/browsertest"
	"traguardo/internal/domain"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// The account that builds the plan in the browser.
const (
	pbEmail    = "direttore.prova@traguardo.test"
	pbPassword = "password-del-direttore"
)

// pbEmptyCycle is the store of a fresh database holding only the 2023 cycle
// of the organisation, with its four periods and one centre, AREA DIREZIONE,
// without objectives; and a direttore account.
func pbEmptyCycle(t *testing.T, organisation string) *store.Store {
	t.Helper()
	st := store.New(pgtest.NewDB(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var periods []plan.Period
	for _, d := range []string{"2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"} {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		periods = append(periods, plan.Period{EndsOn: day})
	}
	c := &plan.Cycle{Organisation: organisation, Year: 2023, Bands: domain.DefaultBands(), Periods: periods,
		Centres: []*plan.Centre{{Name: "AREA DIREZIONE"}}}
	if _, err := st.ImportCycle(ctx, store.Actor{Name: "test"}, c); err != nil {
		t.Fatalf("importing the empty cycle: %v", err)
	}
	hash, err := auth.HashPassword(pbPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{
		Email: pbEmail, Name: "Direttore di prova", Role: auth.Director, PasswordHash: hash,
	}); err != nil {
		t.Fatalf("creating the direttore: %v", err)
	}
	return st
}

// pbParagraphs splits the seed's rich text, made of plain paragraphs, into
// the text of each.
func pbParagraphs(t *testing.T, s string) []string {
	t.Helper()
	if strings.ContainsAny(strings.NewReplacer("<p>", "", "</p>", "").Replace(s), "<>") {
		t.Fatalf("the description holds more than plain paragraphs: %.200q", s)
	}
	var out []string
	for _, p := range regexp.MustCompile(`</?p>`).Split(s, -1) {
		if p = strings.TrimSpace(html.UnescapeString(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pbInsertText types text into the focused element as an input method does,
// in one event: the way to fill the rich-text editor quickly.
func pbInsertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// pbDo runs the steps, failing t with what they were for.
func pbDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// pbErrorOf is the error message the browser shows for a field.
func pbErrorOf(t *testing.T, ctx context.Context, field string) string {
	t.Helper()
	return visibleText(t, ctx, fmt.Sprintf(`[data-testid="error-%s"]`, field))
}

// pbObjectivePage reads what must match between the objective built in the
// browser and the seed's: the title, the header table, the description, the
// activities (description and Tempi) and the indicators (name, description,
// unit, expected value). The actual values are left out: none was entered.
func pbObjectivePage(t *testing.T, doc *xhtml.Node) []string {
	t.Helper()
	out := []string{"h1: " + textOf(oneByTestID(t, doc, "objective-title")), "description: " + textOf(oneByTestID(t, doc, "description"))}
	for _, tr := range elements(oneByTestID(t, doc, "objective-header"), atom.Tr) {
		out = append(out, "header: "+strings.Join(cellTexts(tr), " | "))
	}
	for _, tb := range []struct {
		id   string
		cols int
	}{{"activities", 2}, {"indicators", 4}} {
		tbl := oneByTestID(t, doc, tb.id)
		out = append(out, tb.id+" head: "+strings.Join(cellTexts(elements(tbl, atom.Tr)[0])[:tb.cols], " | "))
		for _, tr := range bodyRows(t, tbl) {
			out = append(out, tb.id+": "+strings.Join(cellTexts(tr)[:tb.cols], " | "))
		}
	}
	return out
}

// TestBrowser_BuildObjective builds AREA DIREZIONE objective 1 of the seed
// from nothing, in a real browser, through the objective, activity and
// indicator forms, signed in as direttore; then its page must read as the
// page of the same objective imported with the demo. Each form is checked
// for accessibility with its errors shown, and so is the objective page with
// the editor's controls.
func TestBrowser_BuildObjective(t *testing.T) {
	t.Parallel()
	seed := loadSeed(t)
	so := seed.Centres[0].Objectives[0]
	if seed.Centres[0].Name != "AREA DIREZIONE" || so.Number != 1 || so.Section != "Obiettivi di performance" {
		t.Fatal("the seed does not start with AREA DIREZIONE objective 1 in the default section")
	}
	paragraphs := pbParagraphs(t, so.DescriptionHTML)

	// The page of the imported objective, read as the observer.
	demoSrv, _ := newTestServer(t)
	links := cycleLinks(t, demoSrv.URL, 2023)
	want := pbObjectivePage(t, getPage(t, demoSrv.URL+links[0].Links[0], http.StatusOK))

	st := pbEmptyCycle(t, seed.Organisation.Name)
	srv := serveStore(t, st)
	ctx := browsertest.New(t)

	// Sign in as direttore through the form.
	pbDo(t, ctx, "opening the cycle",
		chromedp.Navigate(srv.URL+"/cicli/2023"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), pbEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), pbPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="centre-row"]`)),
	)

	// The objective: every field but the title, to see the error first.
	pbDo(t, ctx, "opening the new objective form",
		chromedp.Click(`//a[normalize-space()="Nuovo obiettivo per AREA DIREZIONE"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#description_html-editor`)),
	)
	if got := []string{
		visibleValue(t, ctx, "#section"), visibleValue(t, ctx, "#number"),
	}; !slices.Equal(got, []string{so.Section, "1"}) {
		t.Errorf("the new objective form proposes section and number %q", got)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS("#strategic_area"), so.StrategicArea),
		chromedp.SetValue(chromedp.CSS("#operational_objective"), so.OperationalObjective),
		chromedp.SetValue(chromedp.CSS("#peg_project"), so.PEGProject),
		chromedp.SetValue(chromedp.CSS("#services"), so.Services),
		chromedp.SetValue(chromedp.CSS("#end_users"), so.EndUsers),
		chromedp.SetValue(chromedp.CSS("#networks"), so.Networks),
		chromedp.Click(chromedp.CSS("#description_html-editor")),
	}
	for i, p := range paragraphs {
		if i > 0 {
			steps = append(steps, chromedp.KeyEvent("\r"))
		}
		steps = append(steps, pbInsertText(p))
	}
	steps = append(steps,
		chromedp.Click(chromedp.CSS(`[data-testid="objective-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
	)
	pbDo(t, ctx, "filling the objective without its title", steps...)
	if got := pbErrorOf(t, ctx, "title"); got != "Titolo dell'obiettivo mancante." {
		t.Errorf("title error %q", got)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "saving the objective with its title",
		chromedp.SendKeys(chromedp.CSS("#title"), so.Title),
		chromedp.Click(chromedp.CSS(`[data-testid="objective-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-title"]`)),
	)

	// The activities, the first one wrong at first.
	for i, a := range so.Activities {
		var from, to string
		if a.Planned.Annual {
			t.Fatalf("activity %d is annual: the test fills months only", i+1)
		}
		if a.Planned.From != nil {
			from = *a.Planned.From
		}
		if a.Planned.To != nil {
			to = *a.Planned.To
		}
		pbDo(t, ctx, fmt.Sprintf("opening the form of activity %d", i+1),
			chromedp.Click(chromedp.CSS(`[data-testid="add-activity"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="activity-form"]`)),
		)
		if i == 0 {
			pbDo(t, ctx, "an activity ending before it starts",
				chromedp.SetValue(chromedp.CSS("#planned_from"), "2023-12"),
				chromedp.SetValue(chromedp.CSS("#planned_to"), "2023-01"),
				chromedp.Click(chromedp.CSS(`[data-testid="activity-form"] [data-testid="save"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
			)
			if got := pbErrorOf(t, ctx, "description"); got != "Descrizione dell'attività mancante." {
				t.Errorf("description error %q", got)
			}
			if got := pbErrorOf(t, ctx, "planned_to"); got != "Il mese di inizio è successivo al mese di fine." {
				t.Errorf("planned_to error %q", got)
			}
			if got := visibleValue(t, ctx, "#planned_from"); got != "2023-12" {
				t.Errorf("the month typed is not kept: %q", got)
			}
			browsertest.AssertAccessible(t, ctx)
		}
		pbDo(t, ctx, fmt.Sprintf("saving activity %d", i+1),
			chromedp.SetValue(chromedp.CSS("#description"), a.Description),
			chromedp.SetValue(chromedp.CSS("#planned_kind"), "mesi"),
			chromedp.SetValue(chromedp.CSS("#planned_from"), from),
			chromedp.SetValue(chromedp.CSS("#planned_to"), to),
			chromedp.Click(chromedp.CSS(`[data-testid="activity-form"] [data-testid="save"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-title"]`)),
		)
	}

	// The indicators, the first one wrong at first.
	for i, in := range so.Indicators {
		pbDo(t, ctx, fmt.Sprintf("opening the form of indicator %d", i+1),
			chromedp.Click(chromedp.CSS(`[data-testid="add-indicator"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="indicator-form"]`)),
		)
		if i == 0 {
			pbDo(t, ctx, "an indicator without a name and a number",
				chromedp.SetValue(chromedp.CSS("#unit"), in.Unit),
				chromedp.SendKeys(chromedp.CSS("#expected"), "sei"),
				chromedp.Click(chromedp.CSS(`[data-testid="indicator-form"] [data-testid="save"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
			)
			if got := pbErrorOf(t, ctx, "name"); got != "Nome dell'indicatore mancante." {
				t.Errorf("name error %q", got)
			}
			if got := pbErrorOf(t, ctx, "expected"); got != "Inserire un numero, ad esempio 1.234,5." {
				t.Errorf("expected error %q", got)
			}
			browsertest.AssertAccessible(t, ctx)
		}
		expected, yesNo := "", ""
		if in.yesNo() {
			yesNo = in.formatValue(t, in.Expected)
		} else {
			expected = in.formatValue(t, in.Expected)
		}
		pbDo(t, ctx, fmt.Sprintf("saving indicator %d", i+1),
			chromedp.SetValue(chromedp.CSS("#name"), in.Name),
			chromedp.SetValue(chromedp.CSS("#description"), in.Description),
			chromedp.SetValue(chromedp.CSS("#unit"), in.Unit),
			chromedp.SetValue(chromedp.CSS("#polarity"), in.Polarity),
			chromedp.SetValue(chromedp.CSS("#expected"), expected),
			chromedp.SetValue(chromedp.CSS("#expected_yesno"), yesNo),
			chromedp.Click(chromedp.CSS(`[data-testid="indicator-form"] [data-testid="save"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-title"]`)),
		)
	}

	// The objective page with the editor's controls (links, move buttons).
	browsertest.AssertAccessible(t, ctx)

	// The page of the objective built, read as the observer, as the demo's was.
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(strings.SplitN(loc, "#", 2)[0], srv.URL)
	if !strings.HasPrefix(path, "/cicli/2023/obiettivi/") {
		t.Fatalf("after the last indicator the browser is on %s", loc)
	}
	got := pbObjectivePage(t, getPage(t, srv.URL+path, http.StatusOK))
	if !slices.Equal(got, want) {
		for i := range max(len(got), len(want)) {
			g, w := "(none)", "(none)"
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("line %d:\n built %.300q\n  demo %.300q", i, g, w)
			}
		}
	}
}

// visibleValue is the value of a form field in the browser.
func visibleValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return v
}
