package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mime"
	"mime/quotedprintable"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// smtpServer is a small SMTP peer on 127.0.0.1 that accepts every message
// and keeps what it received: the envelope's recipients and the DATA.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []smtpMessage
	got  chan struct{}
}

type smtpMessage struct {
	to   []string
	data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), got: make(chan struct{}, 100)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	reply := func(code int, msg string) { tp.PrintfLine("%d %s", code, msg) }
	reply(220, "test ESMTP")
	var m smtpMessage
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " ")[0])
		switch cmd {
		case "EHLO", "HELO":
			tp.PrintfLine("250-test")
			reply(250, "8BITMIME")
		case "MAIL":
			m = smtpMessage{}
			reply(250, "ok")
		case "RCPT":
			to := strings.TrimSuffix(strings.TrimPrefix(line[strings.Index(line, ":")+1:], "<"), ">")
			m.to = append(m.to, to)
			reply(250, "ok")
		case "DATA":
			reply(354, "go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			m.data = string(b)
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			reply(250, "queued")
			s.got <- struct{}{}
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(250, "ok")
		}
	}
}

// waitFor waits for a message to rcpt whose subject contains subject, and
// returns its subject and decoded body.
func (s *smtpServer) waitFor(t *testing.T, rcpt, subject string) (string, string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		s.mu.Lock()
		for _, m := range s.msgs {
			if len(m.to) != 1 || m.to[0] != rcpt {
				continue
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.data))
			if err != nil {
				t.Fatalf("the e-mail does not parse: %v\n%s", err, m.data)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(subj, subject) {
				continue
			}
			body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Unlock()
			return subj, string(body)
		}
		s.mu.Unlock()
		select {
		case <-s.got:
		case <-deadline:
			t.Fatalf("no e-mail to %s with %q in its subject", rcpt, subject)
		}
	}
}

// monIDs are the demo's 2024 periods and centres the tests use.
type monIDs struct {
	first, second int64                // the 2024 periods at 31/03 and 30/06
	fin, min      domain.CycleCentreID // AREA FINANZIARIA and AREA MINORI in 2024
	fin2023       domain.CycleCentreID
	period2023    int64
}

func monLoad(t *testing.T, e *secEnv) monIDs {
	t.Helper()
	var ids monIDs
	if err := e.pool.QueryRow(context.Background(), `
		SELECT (SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024 ORDER BY ends_on LIMIT 1),
		       (SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024 ORDER BY ends_on OFFSET 1 LIMIT 1),
		       (SELECT cc.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id JOIN centres ce ON ce.id = cc.centre_id WHERE c.year = 2024 AND ce.name = 'AREA FINANZIARIA'),
		       (SELECT cc.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id JOIN centres ce ON ce.id = cc.centre_id WHERE c.year = 2024 AND ce.name = 'AREA MINORI E FAMIGLIE - ADULTI'),
		       (SELECT cc.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id JOIN centres ce ON ce.id = cc.centre_id WHERE c.year = 2023 AND ce.name = 'AREA FINANZIARIA'),
		       (SELECT p.id FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2023 ORDER BY ends_on LIMIT 1)`).Scan(
		&ids.first, &ids.second, &ids.fin, &ids.min, &ids.fin2023, &ids.period2023); err != nil {
		t.Fatalf("the demo's 2024 records: %v", err)
	}
	return ids
}

func monPage(year int, pid int64, centre domain.CycleCentreID) string {
	return fmt.Sprintf("/cicli/%d/monitoraggio/%d/centri/%d", year, pid, centre)
}

func monState(t *testing.T, e *secEnv, pid int64, centre domain.CycleCentreID) plan.EntryState {
	t.Helper()
	s, err := e.st.EntryState(context.Background(), pid, centre)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *secEnv) manager(t *testing.T, centre string) *secClient {
	t.Helper()
	c := e.client(t)
	c.signIn("responsabile."+centre+"@traguardo.test", demo.DefaultPassword)
	c.requireSignedIn("responsabile." + centre)
	return c
}

func wantStatus(t *testing.T, what string, r *secResponse, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d (Location %q)\n%.800s", what, r.Status, want, r.Location(), r.Body)
	}
}

// TestMonitoring_Review goes through submit -> return (comment required) ->
// resubmit -> approve, with the notifications in the application and by
// e-mail through a local SMTP server, the stale transitions (409), the lock
// of an approved period, and the manager of another centre who forges ids.
func TestMonitoring_Review(t *testing.T) {
	t.Parallel()
	smtp := newSMTPServer(t)
	e := newSecEnv(t, server.Config{Mail: server.MailConfig{Addr: smtp.addr, From: "traguardo@ente.test", BaseURL: "https://performance.ente.test"}})
	ids := monLoad(t, e)
	page := monPage(2024, ids.first, ids.fin)

	// The demo opens the first 2024 period; the 2023 ones are closed.
	if s := monState(t, e, ids.first, ids.fin); !s.Open || s.Why != plan.WhyWindow || s.State != plan.Draft {
		t.Fatalf("the demo's first 2024 period: %+v, want open in its window", s)
	}
	if s := monState(t, e, ids.period2023, ids.fin2023); s.Open || s.Why != plan.WhyClosed {
		t.Fatalf("a 2023 period: %+v, want closed", s)
	}

	fin, min, dir := e.manager(t, "finanziaria"), e.manager(t, "minori"), e.signedIn(t, "direttore")

	// The other centre's manager: no submit button, and a forged submission
	// is refused with nothing changed, under any URL.
	r := min.get(page)
	wantStatus(t, "another centre's page", r, http.StatusOK)
	if strings.Contains(r.Body, `data-testid="submit-form"`) {
		t.Error("the manager of AREA MINORI sees the submit button of AREA FINANZIARIA")
	}
	before := secSnapshot(t, e.pool)
	wantStatus(t, "forged submission", min.post(page+"/invia", url.Values{"version": {"0"}}), http.StatusForbidden)
	wantStatus(t, "forged year", min.post(monPage(2023, ids.first, ids.fin)+"/invia", url.Values{"version": {"0"}}), http.StatusNotFound)
	wantStatus(t, "period and centre of different cycles", fin.post(monPage(2024, ids.first, ids.fin2023)+"/invia", url.Values{"version": {"0"}}), http.StatusNotFound)
	wantStatus(t, "manager approving", fin.post(page+"/approva", url.Values{"version": {"0"}}), http.StatusForbidden)
	secRequireUnchanged(t, "forged requests", before, secSnapshot(t, e.pool), "sessions")

	// Submit.
	r = fin.get(page)
	if !strings.Contains(r.Body, `data-testid="submit-form"`) {
		t.Fatalf("the manager's page has no submit button:\n%s", r.Body)
	}
	// Submitting with a delay left unexplained is refused; explained, it goes.
	r = fin.post(page+"/invia", url.Values{"version": {"0"}})
	wantStatus(t, "submitting with reasons missing", r, http.StatusConflict)
	if !strings.Contains(r.Body, "motiv") {
		t.Errorf("the refusal does not say that reasons are missing:\n%.2000s", r.Body)
	}
	monExplain(t, e, ids.first, ids.fin)
	wantStatus(t, "submit", fin.post(page+"/invia", url.Values{"version": {"0"}}), http.StatusSeeOther)
	// The landing says where the sent period stands, with its page.
	if sent := byTestID(parseHTML(t, fin.get("/mie-aree").Body), "sent-periods"); len(sent) != 1 ||
		!strings.Contains(textOf(sent[0]), "Periodo al 31/03/2024: Inviato") {
		t.Errorf("the manager's landing after submitting: %d lists of sent periods", len(sent))
	}
	if s := monState(t, e, ids.first, ids.fin); s.Open || s.State != plan.Submitted || s.Version != 1 {
		t.Fatalf("after submitting: %+v", s)
	}
	wantStatus(t, "submitting again from the old page", fin.post(page+"/invia", url.Values{"version": {"0"}}), http.StatusConflict)
	wantStatus(t, "submitting a sent period", fin.post(page+"/invia", url.Values{"version": {"1"}}), http.StatusConflict)
	if _, body := smtp.waitFor(t, e.emails["direttore"], "AREA FINANZIARIA ha inviato"); !strings.Contains(body, "https://performance.ente.test"+page) {
		t.Errorf("the director's e-mail lacks the link:\n%s", body)
	}

	// Return: the comment is required.
	before = secSnapshot(t, e.pool)
	r = dir.post(page+"/restituisci", url.Values{"version": {"1"}, "comment": {"  "}})
	wantStatus(t, "return without a comment", r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `data-testid="error-comment"`) {
		t.Errorf("no error next to the comment:\n%.2000s", r.Body)
	}
	secRequireUnchanged(t, "a return without a comment", before, secSnapshot(t, e.pool), "sessions")
	wantStatus(t, "approve at a stale version", dir.post(page+"/approva", url.Values{"version": {"0"}}), http.StatusConflict)
	wantStatus(t, "return", dir.post(page+"/restituisci", url.Values{"version": {"1"}, "comment": {"Manca la motivazione dello scostamento."}}), http.StatusSeeOther)
	if s := monState(t, e, ids.first, ids.fin); !s.Open || s.State != plan.Returned {
		t.Fatalf("after returning: %+v, want open again", s)
	}
	wantStatus(t, "approving a returned period", dir.post(page+"/approva", url.Values{"version": {"2"}}), http.StatusConflict)

	// The manager is told, in the application and by e-mail.
	r = fin.get("/notifiche")
	if !strings.Contains(r.Body, "restituito: Manca la motivazione dello scostamento.") || !strings.Contains(r.Body, `data-read="false"`) {
		t.Errorf("the manager's notifications lack the return:\n%.3000s", r.Body)
	}
	if strings.Contains(min.get("/notifiche").Body, "Manca la motivazione") {
		t.Error("the manager of another centre is told of the return")
	}
	subj, body := smtp.waitFor(t, "responsabile.finanziaria@traguardo.test", "restituito")
	if !strings.HasPrefix(subj, "Traguardo: Il monitoraggio al 31/03/2024 di AREA FINANZIARIA è stato restituito") ||
		!strings.Contains(body, "Manca la motivazione dello scostamento.") || !strings.Contains(body, page) {
		t.Errorf("the e-mail of the return: subject %q, body:\n%s", subj, body)
	}

	// Marking read: one's own only.
	var nid int64
	if err := e.pool.QueryRow(context.Background(), `
		SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = 'responsabile.finanziaria@traguardo.test' ORDER BY n.id DESC LIMIT 1`).Scan(&nid); err != nil {
		t.Fatal(err)
	}
	read := "/notifiche/" + strconv.FormatInt(nid, 10) + "/letta"
	wantStatus(t, "marking another's notification", min.post(read, url.Values{}), http.StatusNotFound)
	if n := secCount(t, e.pool, `SELECT count(*) FROM notifications WHERE id = $1 AND read_at IS NOT NULL`, nid); n != 0 {
		t.Fatal("another user marked the notification read")
	}
	wantStatus(t, "marking read", fin.post(read, url.Values{}), http.StatusSeeOther)
	if n := secCount(t, e.pool, `SELECT count(*) FROM notifications WHERE id = $1 AND read_at IS NOT NULL`, nid); n != 1 {
		t.Fatal("the notification is not read")
	}
	if strings.Contains(fin.get("/notifiche").Body, `data-read="false"`) {
		t.Error("the notifications page still shows an unread notification")
	}

	// Resubmit, approve: locked.
	wantStatus(t, "resubmit", fin.post(page+"/invia", url.Values{"version": {"2"}}), http.StatusSeeOther)
	// Approving asks to confirm, with what was sent; the confirmation
	// approves.
	ask := dir.post(page+"/approva", url.Values{"version": {"3"}})
	wantStatus(t, "approve, unconfirmed", ask, http.StatusOK)
	if !strings.Contains(ask.Body, `data-testid="approve-confirm"`) || !strings.Contains(ask.Body, `data-testid="sent-objective"`) {
		t.Error("approving does not ask to confirm beside the data sent")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM submissions WHERE state = 'approvato'`); n != 0 {
		t.Errorf("an unconfirmed approval approved %d submissions", n)
	}
	wantStatus(t, "approve", dir.post(page+"/approva", url.Values{"version": {"3"}, "conferma": {"si"}}), http.StatusSeeOther)
	s := monState(t, e, ids.first, ids.fin)
	if s.Open || s.State != plan.Approved || s.Why != plan.WhyApproved {
		t.Fatalf("after approving: %+v", s)
	}
	wantStatus(t, "submitting an approved period", fin.post(page+"/invia", url.Values{"version": {"4"}}), http.StatusConflict)
	wantStatus(t, "returning an approved period", dir.post(page+"/restituisci", url.Values{"version": {"4"}, "comment": {"x"}}), http.StatusConflict)
	smtp.waitFor(t, "responsabile.finanziaria@traguardo.test", "approvato")
	if r := fin.get(page); strings.Contains(r.Body, `data-testid="submit-form"`) || !strings.Contains(r.Body, "Approvato") {
		t.Errorf("the approved period's page:\n%.3000s", r.Body)
	}
	// The return's comment stays, as the last return's, once approved.
	if r := fin.get(page); !strings.Contains(r.Body, "ultima restituzione") || !strings.Contains(r.Body, "Manca la motivazione dello scostamento.") {
		t.Error("the return's comment is gone once the period is approved")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'submission'`); n != 4 {
		t.Errorf("%d audit entries of submissions, want 4 (submit, return, submit, approve)", n)
	}

	// The director's overview: every centre × period, with state and deadline.
	r = dir.get("/cicli/2024/monitoraggio")
	wantStatus(t, "overview", r, http.StatusOK)
	var centres int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) * (SELECT count(*) FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024)
		FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id WHERE c.year = 2024`).Scan(&centres); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(r.Body, `data-testid="monitoring-cell"`); n != centres || centres == 0 {
		t.Errorf("the overview has %d cells, want %d", n, centres)
	}
	if !strings.Contains(r.Body, "Approvato<span class=\"visually-hidden\">: AREA FINANZIARIA, periodo al 31/03/2024") ||
		!strings.Contains(r.Body, "Aperto, scadenza") {
		t.Errorf("the overview lacks the approved period or a deadline:\n%.4000s", r.Body)
	}
}

// TestMonitoring_Windows sets a period's window, reopens it for one centre,
// and lists the coming deadline to that centre's manager.
func TestMonitoring_Windows(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ids := monLoad(t, e)
	dir, fin := e.signedIn(t, "direttore"), e.manager(t, "finanziaria")
	today := domain.Today(time.Now())
	date := func(d time.Time) string { return d.Format("02/01/2006") }
	window := fmt.Sprintf("/cicli/2024/periodi/%d/finestra", ids.second)

	// The default: from the period's end to 20 days after.
	var opens, closes time.Time
	if err := e.pool.QueryRow(context.Background(), `SELECT opens_on, closes_on FROM periods WHERE id = $1`, ids.second).Scan(&opens, &closes); err != nil {
		t.Fatal(err)
	}
	if opens.Format(time.DateOnly) != "2024-06-30" || closes.Format(time.DateOnly) != "2024-07-20" {
		t.Errorf("the default window of 30/06/2024: %v – %v", opens, closes)
	}

	wantStatus(t, "window page", dir.get(window), http.StatusOK)
	r := dir.post(window, url.Values{"opens_on": {"10/07/2024"}, "closes_on": {"01/07/2024"}})
	wantStatus(t, "a window closing before it opens", r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `data-testid="error-closes_on"`) || !strings.Contains(r.Body, `value="01/07/2024"`) {
		t.Errorf("the refused window form:\n%.2000s", r.Body)
	}
	wantStatus(t, "window of another year's period", dir.get(fmt.Sprintf("/cicli/2023/periodi/%d/finestra", ids.second)), http.StatusNotFound)
	wantStatus(t, "manager setting a window", fin.post(window, url.Values{"opens_on": {date(today)}, "closes_on": {date(today)}}), http.StatusForbidden)

	// Closed yesterday: closed for every centre.
	wantStatus(t, "closing the window", dir.post(window, url.Values{"opens_on": {date(today.AddDate(0, 0, -10))}, "closes_on": {date(today.AddDate(0, 0, -1))}}), http.StatusSeeOther)
	if s := monState(t, e, ids.second, ids.fin); s.Open || s.Why != plan.WhyClosed {
		t.Fatalf("after the window closed: %+v", s)
	}
	page := monPage(2024, ids.second, ids.fin)
	wantStatus(t, "submitting a closed period", fin.post(page+"/invia", url.Values{"version": {"0"}}), http.StatusConflict)

	// Reopened for AREA FINANZIARIA: open for it, not for AREA MINORI.
	r = dir.post(page+"/riapri", url.Values{"until": {date(today.AddDate(0, 0, 5))}, "reason": {""}})
	wantStatus(t, "a reopening without a reason", r, http.StatusUnprocessableEntity)
	wantStatus(t, "a manager reopening", fin.post(page+"/riapri", url.Values{"until": {date(today.AddDate(0, 0, 5))}, "reason": {"x"}}), http.StatusForbidden)
	wantStatus(t, "reopening", dir.post(page+"/riapri", url.Values{"until": {date(today.AddDate(0, 0, 5))}, "reason": {"Dati arrivati in ritardo"}}), http.StatusSeeOther)
	s := monState(t, e, ids.second, ids.fin)
	if !s.Open || s.Why != plan.WhyReopened || !s.Deadline.Equal(today.AddDate(0, 0, 5)) {
		t.Fatalf("after reopening: %+v", s)
	}
	if s := monState(t, e, ids.second, ids.min); s.Open {
		t.Fatalf("reopened for AREA FINANZIARIA, AREA MINORI's is open too: %+v", s)
	}

	// The deadline in 5 days is in the manager's list; not in another's.
	r = fin.get("/notifiche")
	if !strings.Contains(r.Body, `data-testid="deadlines"`) || !strings.Contains(r.Body, "AREA FINANZIARIA, periodo al 30/06/2024") ||
		!strings.Contains(r.Body, "entro il "+date(today.AddDate(0, 0, 5))) {
		t.Errorf("the manager's coming deadlines:\n%.3000s", r.Body)
	}
	if strings.Contains(e.manager(t, "minori").get("/notifiche").Body, "periodo al 30/06/2024") {
		t.Error("AREA MINORI's manager is shown AREA FINANZIARIA's deadline")
	}
	monExplain(t, e, ids.second, ids.fin)
	wantStatus(t, "submitting the reopened period", fin.post(page+"/invia", url.Values{"version": {"0"}}), http.StatusSeeOther)
	// (The reopening's notification names the period: the list of
	// periods to send must not.)
	for _, d := range byTestID(parseHTML(t, fin.get("/notifiche").Body), "deadline") {
		if strings.Contains(textOf(d), "periodo al 30/06/2024") {
			t.Error("a sent period is still listed as a deadline")
		}
	}
}

// TestMonitoring_BrowserAccessible checks the overview, a period's page
// and the notifications with axe-core.
func TestMonitoring_BrowserAccessible(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ids := monLoad(t, e)
	fin := e.manager(t, "finanziaria")
	monExplain(t, e, ids.first, ids.fin)
	wantStatus(t, "submit", fin.post(monPage(2024, ids.first, ids.fin)+"/invia", url.Values{"version": {"0"}}), http.StatusSeeOther)
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, e.srv.URL, e.emails["direttore"])
	pbPage(t, ctx, e.srv.URL, "/cicli/2024/monitoraggio", `[data-testid="monitoring-table"]`, true)
	pbPage(t, ctx, e.srv.URL, monPage(2024, ids.first, ids.fin), `[data-testid="return-form"]`, true)
	pbPage(t, ctx, e.srv.URL, "/notifiche", `[data-testid="notifications"]`, true)
	pbPage(t, ctx, e.srv.URL, fmt.Sprintf("/cicli/2024/periodi/%d/finestra", ids.second), `[data-testid="window-form"]`, true)
}

// monExplain gives a written reason to every gap and delay of the 2024
// centre at the period (plan.ReasonsMissing), through the store as the
// manager's form saves them, so that the period can be submitted.
func monExplain(t *testing.T, e *secEnv, pid int64, centre domain.CycleCentreID) {
	t.Helper()
	ctx := context.Background()
	c, err := e.st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := plan.Period{}, false
	for _, q := range c.Periods {
		if q.ID == pid {
			p, ok = q, true
		}
	}
	if !ok {
		t.Fatalf("period %d is not of 2024", pid)
	}
	explained := 0
	for _, ce := range c.Centres {
		if ce.ID != centre {
			continue
		}
		for _, o := range ce.Objectives {
			var progress plan.ObjectiveProgress
			for _, m := range o.ReasonsMissing(c.Year, p.EndsOn, c.IsLast(p.EndsOn)) {
				if m.ActivityID != 0 {
					progress.Activities = append(progress.Activities, plan.ActivityEntry{ActivityID: m.ActivityID, Reason: "Avvio rinviato per la riorganizzazione dell'ufficio."})
				} else {
					entry := plan.ValueEntry{IndicatorID: m.IndicatorID, Reason: "Sotto il target per l'assenza di un operatore."}
					for _, in := range o.Indicators {
						if v := in.ValueAt(p.EndsOn); in.ID == m.IndicatorID && v != nil {
							entry.Value, entry.NotMeasurable = &v.Value, v.NotMeasurable
						}
					}
					progress.Values = append(progress.Values, entry)
				}
			}
			if len(progress.Values)+len(progress.Activities) == 0 {
				continue
			}
			version := 0
			if r := o.ReportAt(p.EndsOn); r != nil {
				version = r.Version
			}
			if err := e.st.SaveProgress(ctx, store.Change{Actor: store.Actor{Name: "test"}, Version: version}, o.ID, pid, progress); err != nil {
				t.Fatalf("explaining objective %d: %v", o.Number, err)
			}
			explained++
		}
	}
	if explained == 0 {
		t.Fatalf("nothing to explain at period %d: the test no longer shows the check of reasons", pid)
	}
}
