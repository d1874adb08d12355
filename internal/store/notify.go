package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/format"
)

// The notifications of the events a role must act on, besides the
// monitoring review's (transition) and the director's correction
// (saveProgress): the Relazione sent to the Nucleo, the Nucleo's comments
// and the director's answers, the Nucleo's decision, a reopening, and an
// entry window that opened. Each is written by Notify in the transaction of
// its change; the server e-mails the ids once it has committed.

// SubmissionLink is the page of a (period, centre) of a cycle, for the
// notifications' links (the server's paths.Submission); the store builds no
// address of its own.
type SubmissionLink func(year int, periodID int64, centre domain.CycleCentreID) string

// notifyRole notifies every active account of role.
func notifyRole(ctx context.Context, tx pgx.Tx, role, text, link string) ([]int64, error) {
	users, err := usersWithRole(ctx, tx, role)
	if err != nil {
		return nil, err
	}
	return Notify(ctx, tx, users, text, link)
}

// clip shortens a user's text quoted in a notification to most characters,
// on one line.
func clip(s string, most int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > most {
		return strings.TrimSpace(string(r[:most])) + "…"
	}
	return s
}

// quoteMost is how much of a comment or an answer a notification quotes;
// the whole text is on the page it links to.
const quoteMost = 200

// openWindow is a (period, centre) whose entry window includes a day.
type openWindow struct {
	year     int
	periodID int64
	centre   domain.CycleCentreID
	name     string
	endsOn   time.Time
	closesOn time.Time
}

// notifyOpenWindows tells the managers of every centre for which a period's
// entry window includes today, and which has not sent it (nor had it
// approved), that it is open: once per period, centre and manager
// (window_notices), whoever calls it and however often. periodID 0 looks at
// every period. A reopening is not a window: Reopen tells of it.
func notifyOpenWindows(ctx context.Context, tx pgx.Tx, today time.Time, periodID int64, link SubmissionLink) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		WITH open AS (
			SELECT y.year, p.id AS pid, cc.id AS ccid, cc.centre_id, cc.name, p.ends_on, p.closes_on
			FROM periods p JOIN cycles y ON y.id = p.cycle_id
			JOIN cycle_centres cc ON cc.cycle_id = p.cycle_id
			LEFT JOIN submissions s ON s.period_id = p.id AND s.cycle_centre_id = cc.id
			WHERE p.opens_on <= $1 AND p.closes_on >= $1 AND ($2 = 0 OR p.id = $2)
			  AND coalesce(s.state, '') NOT IN ('inviato', 'approvato')),
		due AS (
			INSERT INTO window_notices (period_id, cycle_centre_id, user_id)
			SELECT o.pid, o.ccid, u.id FROM open o
			JOIN user_centres uc ON uc.centre_id = o.centre_id
			JOIN users u ON u.id = uc.user_id AND u.role = 'responsabile' AND u.active
			ON CONFLICT DO NOTHING
			RETURNING period_id, cycle_centre_id, user_id)
		SELECT d.user_id, o.year, o.pid, o.ccid, o.name, o.ends_on, o.closes_on
		FROM due d JOIN open o ON o.pid = d.period_id AND o.ccid = d.cycle_centre_id
		ORDER BY o.year, o.ends_on, o.name, d.user_id`, Day(today), periodID)
	if err != nil {
		return nil, fmt.Errorf("open windows: %w", err)
	}
	var users []int64
	var texts, links []string
	var u int64
	var w openWindow
	if _, err := pgx.ForEachRow(rows, []any{&u, &w.year, &w.periodID, &w.centre, &w.name, &w.endsOn, &w.closesOn}, func() error {
		users = append(users, u)
		texts = append(texts, fmt.Sprintf("Il periodo al %s è aperto all'inserimento per %s: da compilare e inviare entro il %s.",
			format.Date(w.endsOn), w.name, format.Date(w.closesOn)))
		l := ""
		if link != nil {
			l = link(w.year, w.periodID, w.centre)
		}
		links = append(links, l)
		return nil
	}); err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, nil
	}
	rows, err = tx.Query(ctx, `
		INSERT INTO notifications (user_id, text, link)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) RETURNING id`, users, texts, links)
	if err != nil {
		return nil, fmt.Errorf("notify open windows: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// NotifyOpenWindows tells the managers of the periods whose entry window is
// open today that it is, each once (see notifyOpenWindows): a window opens
// by the calendar, so the server calls it when it starts and then every
// hour. It returns the notifications, for the e-mail.
func (s *Store) NotifyOpenWindows(ctx context.Context, link SubmissionLink) ([]int64, error) {
	var ids []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		ids, err = notifyOpenWindows(ctx, tx, s.today(), 0, link)
		return err
	})
	return ids, err
}

// progressChanges says in Italian what a correction changed, comparing the
// progress snapshots before and after it (progressSnapshot): "Incontri 6 →
// 8; Attività 2: Maggio → Giugno; stato: in linea → critico; report
// modificato". Empty when nothing changed.
func progressChanges(old, now audit.Snapshot) string {
	var out []string
	// Indicators, by name and unit (and their order among equal ones).
	type entry struct{ text, reason string }
	valueOf := func(v audit.Snapshot) entry {
		e := entry{text: "non rilevabile"}
		if nm, _ := v[audit.KeyNotMeasurable].(bool); !nm {
			e.text = "vuoto"
			if x, _ := v[audit.KeyValue].(*float64); x != nil {
				unit, _ := v[audit.KeyUnit].(string)
				e.text = format.Value(domain.Unit(unit), *x)
			}
		}
		e.reason, _ = v[audit.KeyReason].(string)
		return e
	}
	keyed := func(list []audit.Snapshot) (map[string]entry, []string) {
		m := map[string]entry{}
		var keys []string
		seen := map[string]int{}
		for _, v := range list {
			name, _ := v[audit.KeyName].(string)
			unit, _ := v[audit.KeyUnit].(string)
			k := name + "\x00" + unit
			seen[k]++
			k += fmt.Sprint("\x00", seen[k])
			m[k] = valueOf(v)
			keys = append(keys, k)
		}
		return m, keys
	}
	name := func(k string) string { return k[:strings.IndexByte(k, 0)] }
	before, _ := old[audit.KeyValues].([]audit.Snapshot)
	after, _ := now[audit.KeyValues].([]audit.Snapshot)
	b, bKeys := keyed(before)
	a, aKeys := keyed(after)
	keys := append([]string{}, aKeys...)
	for _, k := range bKeys {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		x, hadX := b[k]
		y, hasY := a[k]
		if !hadX {
			x.text = "vuoto"
		}
		if !hasY {
			y.text = "vuoto"
		}
		switch {
		case x.text != y.text:
			out = append(out, fmt.Sprintf("%s %s → %s", name(k), x.text, y.text))
		case x.reason != y.reason:
			out = append(out, fmt.Sprintf("%s: motivazione modificata", name(k)))
		}
	}
	// Activities, by position (from 0; people count from 1, as the
	// Registro does).
	months := func(list []audit.Snapshot) (map[int]audit.Snapshot, []int) {
		m := map[int]audit.Snapshot{}
		var order []int
		for _, v := range list {
			p, _ := v[audit.KeyPosition].(int)
			m[p] = v
			order = append(order, p)
		}
		return m, order
	}
	spanOf := func(v audit.Snapshot) string {
		if v == nil {
			return "non indicati"
		}
		year, _ := v[audit.KeyYear].(int)
		var s domain.Span
		s.Annual, _ = v[audit.KeyAnnual].(bool)
		for key, into := range map[audit.Key]**domain.Month{audit.KeyFrom: &s.From, audit.KeyTo: &s.To} {
			if t, _ := v[key].(*string); t != nil {
				if m, err := domain.ParseMonth(*t); err == nil {
					*into = &m
				}
			}
		}
		if s.IsEmpty() {
			return "non indicati"
		}
		return s.Label(year)
	}
	reasonOf := func(v audit.Snapshot) string { r, _ := v[audit.KeyReason].(string); return r }
	bActs, bOrder := months(asSnapshots(old[audit.KeyActivities]))
	aActs, aOrder := months(asSnapshots(now[audit.KeyActivities]))
	order := append([]int{}, aOrder...)
	for _, p := range bOrder {
		if _, ok := aActs[p]; !ok {
			order = append(order, p)
		}
	}
	slices.Sort(order)
	for _, p := range order {
		x, y := spanOf(bActs[p]), spanOf(aActs[p])
		switch {
		case x != y:
			out = append(out, fmt.Sprintf("Attività %d: %s → %s", p+1, x, y))
		case reasonOf(bActs[p]) != reasonOf(aActs[p]):
			out = append(out, fmt.Sprintf("Attività %d: motivazione modificata", p+1))
		}
	}
	if x, y := old[audit.KeyStatus], now[audit.KeyStatus]; x != y {
		xs, _ := x.(string)
		ys, _ := y.(string)
		out = append(out, fmt.Sprintf("stato %s → %s", orNone(xs), orNone(ys)))
	}
	if old[audit.KeyTextHTML] != now[audit.KeyTextHTML] {
		out = append(out, "report modificato")
	}
	const most = 8
	if len(out) > most {
		out = append(out[:most], fmt.Sprintf("e altre %d modifiche", len(out)-most))
	}
	return strings.Join(out, "; ")
}

func asSnapshots(v any) []audit.Snapshot {
	s, _ := v.([]audit.Snapshot)
	return s
}

func orNone(s string) string {
	if s == "" {
		return "non indicato"
	}
	return s
}
