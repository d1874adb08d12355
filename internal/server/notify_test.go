package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// The notifications of the events a role must act on (issue 18, item 3):
// the Relazione sent to the Nucleo, the Nucleo's comments and decision to
// the directors, the director's answers to the Nucleo, a window that
// opened and a reopening to the centre's managers; each in the application,
// to exactly its recipients, and by e-mail; the unread count in the menu.

// ntCount counts the notifications of the account email whose text
// contains part.
func ntCount(t *testing.T, e *secEnv, email, part string) int {
	t.Helper()
	return secCount(t, e.pool, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = $1 AND strpos(n.text, $2) > 0`, email, part)
}

// ntOnly checks that exactly want (by e-mail) were told part, once each,
// and nobody else.
func ntOnly(t *testing.T, e *secEnv, part string, want ...string) {
	t.Helper()
	for _, email := range want {
		if n := ntCount(t, e, email, part); n != 1 {
			t.Errorf("%s has %d notifications %q, want 1", email, n, part)
		}
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE strpos(n.text, $1) > 0 AND NOT u.email = ANY($2)`, part, want); n != 0 {
		t.Errorf("%d notifications %q to others than %v", n, part, want)
	}
}

// ntAccount adds an account of role as a copy of the demo's (same
// password), active or not.
func ntAccount(t *testing.T, e *secEnv, email, role string, active bool) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), `
		INSERT INTO users (email, name, role, password_hash, active)
		SELECT $1, 'Copia', role, password_hash, $3 FROM users WHERE email = $2`, email, e.emails[role], active); err != nil {
		t.Fatal(err)
	}
}

// ntUnread is the menu's unread count on a page, "" without a badge.
func ntUnread(t *testing.T, body string) string {
	t.Helper()
	doc := parseHTML(t, body)
	nav := oneByTestID(t, doc, "nav-notifications")
	if b := byTestID(nav, "unread-count"); len(b) == 1 {
		var text strings.Builder
		for d := range b[0].Descendants() {
			if d.Type == html.TextNode {
				text.WriteString(d.Data)
			}
		}
		return text.String()
	}
	return ""
}

// TestNotify_ReportLifecycle: after the director sends the 2023 Relazione,
// every active Nucleo account (not a deactivated one, nor anyone else) is
// told once, reads it on Notifiche with the unread count in the menu, and
// gets an e-mail; the Nucleo's comment tells the director, the director's
// answer the Nucleo, the Nucleo's decision the director. Reading drops the
// count.
func TestNotify_ReportLifecycle(t *testing.T) {
	t.Parallel()
	smtp := newSMTPServer(t)
	e := newSecEnv(t, server.Config{Mail: server.MailConfig{Addr: smtp.addr, From: "traguardo@ente.test", BaseURL: "https://performance.ente.test"}})
	ctx := context.Background()
	c, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2023, c.Version, demo.ApprovalAct2023,
		time.Date(2023, time.January, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ntAccount(t, e, "nucleo.due@traguardo.test", "nucleo", true)
	ntAccount(t, e, "nucleo.ex@traguardo.test", "nucleo", false)
	nucleo := []string{e.emails["nucleo"], "nucleo.due@traguardo.test"}
	nuc, dir := e.signedIn(t, "nucleo"), e.signedIn(t, "direttore")
	if got := ntUnread(t, nuc.get(paths.Notifications).Body); got != "" {
		t.Fatalf("the Nucleo has %q unread before anything happened", got)
	}

	// Sent: the Nucleo is told.
	rpSend(t, e)
	const sent = "ha inviato al Nucleo di Valutazione la Relazione sulla performance 2023 (versione 1)"
	ntOnly(t, e, sent, nucleo...)
	p := nuc.get(paths.Notifications)
	if !strings.Contains(p.Body, sent) || !strings.Contains(p.Body, `href="`+paths.Validation(2023)+`"`) {
		t.Errorf("the Nucleo's Notifiche lacks the Relazione sent:\n%s", rpMain(p.Body))
	}
	if got := ntUnread(t, p.Body); got != "(1 non letta)" {
		t.Errorf("the menu's unread count reads %q, want (1 non letta)", got)
	}
	if !strings.Contains(p.Body, `data-testid="unread-summary"`) {
		t.Error("Notifiche does not say how many are to read")
	}
	if _, body := smtp.waitFor(t, e.emails["nucleo"], "Il direttore ha inviato al Nucleo"); !strings.Contains(body, "https://performance.ente.test"+paths.Validation(2023)) {
		t.Errorf("the Nucleo's e-mail lacks the link:\n%s", body)
	}
	smtp.waitFor(t, "nucleo.due@traguardo.test", "Il direttore ha inviato al Nucleo")

	// Commented: the director is told.
	const body = "Il valore dell'indicatore 2 non è documentato."
	if r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(e.objectiveID, 10)}, "body": {body}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the comment: status %d", r.Status)
	}
	const commented = "Il Nucleo di Valutazione ha commentato la Relazione 2023 su «AREA DIREZIONE · Obiettivo 1"
	ntOnly(t, e, commented, e.emails["direttore"])
	if ntCount(t, e, e.emails["direttore"], body) != 1 {
		t.Error("the director's notification does not quote the comment")
	}
	smtp.waitFor(t, e.emails["direttore"], "Il Nucleo di Valutazione ha commentato")
	if got := ntUnread(t, dir.get(paths.Home).Body); got != "(1 non letta)" {
		t.Errorf("the director's menu reads %q, want (1 non letta)", got)
	}

	// Answered: the Nucleo is told.
	var id int64
	if err := e.pool.QueryRow(ctx, `SELECT id FROM report_comments WHERE body = $1`, body).Scan(&id); err != nil {
		t.Fatal(err)
	}
	const reply = "Il dato è nel verbale del 12/12/2023."
	if r := dir.post(paths.CommentAnswer(2023, id), url.Values{"answer": {reply}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the answer: status %d", r.Status)
	}
	ntOnly(t, e, "Il direttore ha risposto al commento sulla Relazione 2023", nucleo...)
	if _, b := smtp.waitFor(t, "nucleo.due@traguardo.test", "Il direttore ha risposto"); !strings.Contains(b, reply) ||
		!strings.Contains(b, fmt.Sprintf("%s#commento-%d", paths.Validation(2023), id)) {
		t.Errorf("the answer's e-mail:\n%s", b)
	}

	// Decided: the director is told (the PDF is printed by Chromium).
	r := rpValidate(t, nuc, 1, "validata con osservazioni", "<p>Il Nucleo valida con osservazioni.</p>")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("validating: %d\n%s", r.Status, rpMain(r.Body))
	}
	decided := "Il Nucleo di Valutazione ha deciso sulla Relazione sulla performance 2023 (versione 1): «Validata con osservazioni», con atto del " +
		format.Date(domain.Today(time.Now()))
	ntOnly(t, e, decided, e.emails["direttore"])
	smtp.waitFor(t, e.emails["direttore"], "Il Nucleo di Valutazione ha deciso")
	if got := ntUnread(t, dir.get(paths.Notifications).Body); got != "(2 non lette)" {
		t.Errorf("the director's menu reads %q, want (2 non lette)", got)
	}

	// Read: the count drops, one by one, then to none.
	var nid int64
	if err := e.pool.QueryRow(ctx, `SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = $1 ORDER BY n.id LIMIT 1`, e.emails["direttore"]).Scan(&nid); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "marking read", dir.post(paths.NotificationRead(nid), url.Values{}), http.StatusSeeOther)
	if got := ntUnread(t, dir.get(paths.Notifications).Body); got != "(1 non letta)" {
		t.Errorf("after reading one, the menu reads %q, want (1 non letta)", got)
	}
	wantStatus(t, "marking all read", dir.post(paths.NotificationsRead, url.Values{}), http.StatusSeeOther)
	if got := ntUnread(t, dir.get(paths.Notifications).Body); got != "" {
		t.Errorf("after reading all, the menu reads %q", got)
	}
	// The Nucleo's own count is its own: two unread (sent, answer).
	if got := ntUnread(t, nuc.get(paths.Home).Body); got != "(2 non lette)" {
		t.Errorf("the Nucleo's menu reads %q, want (2 non lette)", got)
	}
}

// TestNotify_Windows: a period's window that opened tells each manager of
// every centre that has not sent it, once however often it is looked at
// (at start, every hour, when the director sets it); a window set to
// include today tells at once, with an e-mail; a reopening tells the
// centre's managers only; Notifiche lists every period open for entry.
func TestNotify_Windows(t *testing.T) {
	t.Parallel()
	smtp := newSMTPServer(t)
	e := newSecEnv(t, server.Config{Mail: server.MailConfig{Addr: smtp.addr, From: "traguardo@ente.test"}})
	ctx := context.Background()
	ids := monLoad(t, e)
	fin, dir := e.manager(t, "finanziaria"), e.signedIn(t, "direttore")
	today := domain.Today(time.Now())
	date := func(d time.Time) string { return d.Format("02/01/2006") }

	// The managers of 2024's centres, by centre.
	managers := func(centre domain.CycleCentreID) []string {
		rows, err := e.pool.Query(ctx, `SELECT u.email FROM users u JOIN user_centres uc ON uc.user_id = u.id
			JOIN cycle_centres cc ON cc.centre_id = uc.centre_id WHERE cc.id = $1 AND u.role = 'responsabile' AND u.active ORDER BY u.email`, int64(centre))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	var all []string
	rows, err := e.pool.Query(ctx, `SELECT cc.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id WHERE c.year = 2024 ORDER BY cc.id`)
	if err != nil {
		t.Fatal(err)
	}
	var centres []domain.CycleCentreID
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		centres = append(centres, domain.CycleCentreID(id))
	}
	rows.Close()
	for _, c := range centres {
		if c != ids.fin {
			all = append(all, managers(c)...)
		}
	}
	finManagers := managers(ids.fin)
	if len(finManagers) == 0 || len(all) == 0 {
		t.Fatalf("the demo's managers: %v and %v", finManagers, all)
	}

	// AREA FINANZIARIA sends the first 2024 period (the demo's open one)
	// before the look: its managers are not told it is open.
	monExplain(t, e, ids.first, ids.fin)
	wantStatus(t, "submit", fin.post(monPage(2024, ids.first, ids.fin)+"/invia", url.Values{"version": {"0"}}), http.StatusSeeOther)
	const first = "Il periodo al 31/03/2024 è aperto all'inserimento per "
	notified, err := e.st.NotifyOpenWindows(ctx, paths.Submission)
	if err != nil {
		t.Fatal(err)
	}
	if len(notified) != len(all) {
		t.Errorf("%d notifications of the open window, want %d (one per manager of a centre that has not sent)", len(notified), len(all))
	}
	ntOnly(t, e, first, all...)
	// Again, and again: nobody is told twice.
	for range 2 {
		if again, err := e.st.NotifyOpenWindows(ctx, paths.Submission); err != nil || len(again) != 0 {
			t.Fatalf("looking again: %d notifications, %v", len(again), err)
		}
	}
	ntOnly(t, e, first, all...)
	minoriManager := managers(ids.min)[0]
	if n := secCount(t, e.pool, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = $1 AND n.link = $2`, minoriManager, monPage(2024, ids.first, ids.min)); n != 1 {
		t.Errorf("the window's notification of AREA MINORI's manager does not link its period's page (%d)", n)
	}

	// The director sets the second period's window to include today: every
	// manager is told at once (AREA FINANZIARIA's too), with an e-mail;
	// setting it again tells nobody again.
	window := fmt.Sprintf("/cicli/2024/periodi/%d/finestra", ids.second)
	set := url.Values{"opens_on": {date(today.AddDate(0, 0, -1))}, "closes_on": {date(today.AddDate(0, 0, 3))}}
	wantStatus(t, "setting the window", dir.post(window, set), http.StatusSeeOther)
	const second = "Il periodo al 30/06/2024 è aperto all'inserimento per "
	ntOnly(t, e, second, append(append([]string{}, all...), finManagers...)...)
	if _, b := smtp.waitFor(t, finManagers[0], "Il periodo al 30/06/2024 è aperto"); !strings.Contains(b, monPage(2024, ids.second, ids.fin)) {
		t.Errorf("the window's e-mail lacks the period's page:\n%s", b)
	}
	set.Set("closes_on", date(today.AddDate(0, 0, 4)))
	wantStatus(t, "setting the window again", dir.post(window, set), http.StatusSeeOther)
	ntOnly(t, e, second, append(append([]string{}, all...), finManagers...)...)

	// Notifiche lists every open period, the one due within the week
	// marked; the first (sent) is not listed.
	p := fin.get(paths.Notifications)
	items := byTestID(parseHTML(t, p.Body), "deadline")
	if len(items) != 1 || !strings.Contains(textOf(items[0]), "AREA FINANZIARIA, periodo al 30/06/2024") ||
		len(byTestID(items[0], "deadline-soon")) != 1 {
		t.Errorf("AREA FINANZIARIA's open periods on Notifiche: %d\n%s", len(items), rpMain(p.Body))
	}
	for _, it := range byTestID(parseHTML(t, e.manager(t, "minori").get(paths.Notifications).Body), "deadline") {
		if strings.Contains(textOf(it), "31/03/2024") && len(byTestID(it, "deadline-soon")) != 0 {
			t.Error("a period due in 30 days is marked due soon")
		}
	}

	// A window set in the future tells nobody yet.
	future := url.Values{"opens_on": {date(today.AddDate(0, 0, 10))}, "closes_on": {date(today.AddDate(0, 0, 20))}}
	before := secCount(t, e.pool, `SELECT count(*) FROM notifications`)
	wantStatus(t, "a window in the future", dir.post(fmt.Sprintf("/cicli/2024/periodi/%d/finestra", ids.third(t, e)), future), http.StatusSeeOther)
	if n := secCount(t, e.pool, `SELECT count(*) FROM notifications`); n != before {
		t.Errorf("a window opening in 10 days told %d people today", n-before)
	}

	// A reopening tells the centre's managers only, with its reason.
	closed := url.Values{"opens_on": {date(today.AddDate(0, 0, -10))}, "closes_on": {date(today.AddDate(0, 0, -1))}}
	wantStatus(t, "closing the window", dir.post(window, closed), http.StatusSeeOther)
	page := monPage(2024, ids.second, ids.min)
	wantStatus(t, "reopening", dir.post(page+"/riapri", url.Values{"until": {date(today.AddDate(0, 0, 5))}, "reason": {"Dati arrivati in ritardo"}}), http.StatusSeeOther)
	ntOnly(t, e, "Il periodo al 30/06/2024 è stato riaperto per AREA MINORI E FAMIGLIE - ADULTI fino al "+date(today.AddDate(0, 0, 5))+": Dati arrivati in ritardo",
		managers(ids.min)...)
	smtp.waitFor(t, minoriManager, "Il periodo al 30/06/2024 è stato riaperto")
}

// third is the third 2024 period.
func (ids monIDs) third(t *testing.T, e *secEnv) int64 {
	t.Helper()
	var id int64
	if err := e.pool.QueryRow(context.Background(), `SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id
		WHERE c.year = 2024 ORDER BY ends_on OFFSET 2 LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestNotify_WindowsAtStart: a server configured to look for open windows
// tells the managers as it starts, without anyone's request.
func TestNotify_WindowsAtStart(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{OpenWindows: time.Hour})
	deadline := time.Now().Add(15 * time.Second)
	for {
		n := secCount(t, e.pool, `SELECT count(*) FROM notifications WHERE strpos(text, 'Il periodo al 31/03/2024 è aperto') > 0`)
		m := secCount(t, e.pool, `SELECT count(*) FROM window_notices`)
		if n > 0 && n == m {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications of the open window, %d recorded, 15 seconds after start", n, m)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
