package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/internal/plan"
)

// Monitoring review: the entry window of each period, its reopening for one
// centre, the submission of a (period, centre) to the director and its
// review, and the notifications that tell people about them. Whether a
// centre may edit a period is plan.Entry, and which step of the review is
// legal plan.Review; the store reads their facts and persists the outcome.

// EntryState says whether the centre may edit the period today (a calendar
// day in Italy), why, until when and where its review stands. ErrNotFound
// when the period or the centre does not exist or they are of different
// cycles. The ENTRY side calls it before saving; inside its own transaction
// it calls EntryStateTx, which locks the submission so that a concurrent
// submission waits.
func (s *Store) EntryState(ctx context.Context, periodID int64, centre domain.CycleCentreID) (plan.EntryState, error) {
	var e plan.EntryState
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		e, err = EntryStateTx(ctx, tx, periodID, centre, s.today())
		return err
	})
	return e, err
}

// EntryStateTx is EntryState inside tx on today; it locks the (period, centre)'s
// submission row, when there is one, for the rest of tx.
func EntryStateTx(ctx context.Context, tx pgx.Tx, periodID int64, centre domain.CycleCentreID, today time.Time) (plan.EntryState, error) {
	f, _, version, err := entryFacts(ctx, tx, periodID, centre)
	if err != nil {
		return plan.EntryState{}, err
	}
	e := plan.Entry(f, today)
	e.Version = version
	return e, nil
}

// entryFacts reads what plan.Entry needs, locking the submission; subID is
// 0 when there is none.
func entryFacts(ctx context.Context, tx pgx.Tx, periodID int64, centre domain.CycleCentreID) (f plan.EntryFacts, subID int64, version int, err error) {
	var until *time.Time
	var state *string
	var sid *int64
	var ver *int
	err = tx.QueryRow(ctx, `
		SELECT p.opens_on, p.closes_on,
		       (SELECT r.until FROM period_reopenings r WHERE r.period_id = p.id AND r.cycle_centre_id = cc.id ORDER BY r.id DESC LIMIT 1)
		FROM periods p JOIN cycle_centres cc ON cc.cycle_id = p.cycle_id
		WHERE p.id = $1 AND cc.id = $2`, periodID, int64(centre)).Scan(&f.OpensOn, &f.ClosesOn, &until)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, 0, 0, fmt.Errorf("period %d of centre %d: %w", periodID, centre, ErrNotFound)
	}
	if err != nil {
		return f, 0, 0, err
	}
	if until != nil {
		f.ReopenedUntil = *until
	}
	err = tx.QueryRow(ctx, `
		SELECT id, state, version FROM submissions WHERE period_id = $1 AND cycle_centre_id = $2 FOR UPDATE`,
		periodID, int64(centre)).Scan(&sid, &state, &ver)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, 0, 0, nil
	}
	if err != nil {
		return f, 0, 0, err
	}
	f.State = plan.SubmissionState(*state)
	return f, *sid, *ver, nil
}

// SetWindow sets the entry window of a period: from opens to closes, both
// included. It is no change of the plan (no variation needed). When the
// window now includes today, the managers of the centres that have not
// sent the period and were not told yet are told it is open (see
// notifyOpenWindows; link is the page of each (period, centre), nil for
// none): it returns the notifications, for the e-mail.
func (s *Store) SetWindow(ctx context.Context, a Actor, periodID int64, opens, closes time.Time, link SubmissionLink) ([]int64, error) {
	opens, closes = Day(opens), Day(closes)
	if p := plan.WindowProblem(opens, closes); p != "" {
		return nil, &Conflict{Message: p}
	}
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var oldOpens, oldCloses time.Time
		err := tx.QueryRow(ctx, `SELECT opens_on, closes_on FROM periods WHERE id = $1 FOR UPDATE`, periodID).Scan(&oldOpens, &oldCloses)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("period %d: %w", periodID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE periods SET opens_on = $2, closes_on = $3 WHERE id = $1`, periodID, opens, closes); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.Update, audit.Period, periodID,
			audit.Snapshot{audit.KeyOpensOn: oldOpens.Format(time.DateOnly), audit.KeyClosesOn: oldCloses.Format(time.DateOnly)},
			audit.Snapshot{audit.KeyOpensOn: opens.Format(time.DateOnly), audit.KeyClosesOn: closes.Format(time.DateOnly)}); err != nil {
			return err
		}
		notified, err = notifyOpenWindows(ctx, tx, s.today(), periodID, link)
		return err
	})
	return notified, err
}

// Reopen opens a period again for one centre until a day (included), past
// its window; the latest reopening counts. The centre's managers are told,
// with link (the page of the (period, centre)); it returns the
// notifications, for the e-mail.
func (s *Store) Reopen(ctx context.Context, a Actor, periodID int64, centre domain.CycleCentreID, until time.Time, reason, link string) ([]int64, error) {
	until, reason = Day(until), strings.TrimSpace(reason)
	if reason == "" {
		return nil, &Conflict{Message: "indicare il motivo della riapertura"}
	}
	if msg := plan.TooLong(reason, plan.MaxText); msg != "" {
		return nil, &Conflict{Message: msg}
	}
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		var name string
		var endsOn time.Time
		err := tx.QueryRow(ctx, `
			WITH r AS (
				INSERT INTO period_reopenings (period_id, cycle_centre_id, cycle_id, until, reason, by_user)
				SELECT p.id, cc.id, p.cycle_id, $3, $4, $5
				FROM periods p JOIN cycle_centres cc ON cc.cycle_id = p.cycle_id
				WHERE p.id = $1 AND cc.id = $2
				RETURNING id)
			SELECT r.id, cc.name, p.ends_on FROM r, cycle_centres cc, periods p WHERE cc.id = $2 AND p.id = $1`,
			periodID, int64(centre), until, reason, a.UserID).Scan(&id, &name, &endsOn)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("period %d of centre %d: %w", periodID, centre, ErrNotFound)
		}
		if err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.Reopen, audit.Reopening, id, nil, audit.Snapshot{
			audit.KeyPeriodID: periodID, audit.KeyCycleCentreID: int64(centre), audit.KeyUntil: until.Format(time.DateOnly), audit.KeyReason: reason}); err != nil {
			return err
		}
		managers, err := CentreManagers(ctx, tx, centre)
		if err != nil {
			return err
		}
		notified, err = Notify(ctx, tx, managers, fmt.Sprintf("Il periodo al %s è stato riaperto per %s fino al %s: %s",
			format.Date(endsOn), name, format.Date(until), clip(reason, quoteMost)), link)
		return err
	})
	return notified, err
}

// Transition is a step of a (period, centre)'s review.
type Transition struct {
	Actor  Actor
	Period int64
	Centre domain.CycleCentreID
	// Version is the submission's version the page showed (0 with none).
	Version int
	// Comment is the director's comment: required to return.
	Comment string
	// Link is the page of the (period, centre), for the notifications.
	Link string
}

// MissingReasons lists what the centre must still explain (a value below
// target or an activity late without a written reason, plan.ReasonsMissing)
// before it can submit the period; nil when nothing is missing. It reads
// the centre's rows inside tx, as the submission sees them on today.
func MissingReasons(ctx context.Context, tx pgx.Tx, periodID int64, centre domain.CycleCentreID, today time.Time) ([]string, error) {
	var year int
	var end time.Time
	if err := tx.QueryRow(ctx, `SELECT c.year, pe.ends_on FROM periods pe JOIN cycles c ON c.id = pe.cycle_id WHERE pe.id = $1`,
		periodID).Scan(&year, &end); err != nil {
		return nil, err
	}
	c, err := loadCycleTx(ctx, tx, year, centre, today)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range c.ReasonsMissing(c.Centres[0], end) {
		out = append(out, m.Message)
	}
	return out, nil
}

// Submit sends the centre's progress for the period to the director: the
// period must be open for the centre (plan.Review), nothing must lack its
// reason (MissingReasons, else a *plan.ReasonsMissingError), and the
// submission must still be at t.Version. The directors are notified; it
// returns the notifications' ids, for the e-mails to send once committed.
func (s *Store) Submit(ctx context.Context, t Transition) ([]int64, error) {
	return s.transition(ctx, t, plan.Submit)
}

// ReturnSubmission sends a submitted period back to the centre with the
// director's comment (required: plan.ErrCommentRequired); the centre's
// managers are notified.
func (s *Store) ReturnSubmission(ctx context.Context, t Transition) ([]int64, error) {
	return s.transition(ctx, t, plan.Return)
}

// ApproveSubmission approves a submitted period, which is locked from then
// on; the centre's managers are notified.
func (s *Store) ApproveSubmission(ctx context.Context, t Transition) ([]int64, error) {
	return s.transition(ctx, t, plan.Approve)
}

// reviewActions are the audit actions of the review's steps.
var reviewActions = map[plan.Action]audit.Action{
	plan.Submit:  audit.Submit,
	plan.Return:  audit.Return,
	plan.Approve: audit.ApproveSubmission,
}

// transition takes step a of the review: plan.Review decides from the facts
// read under the submission's lock, and the store persists its answer. A
// refusal is plan's typed error, worded by the caller.
func (s *Store) transition(ctx context.Context, t Transition, a plan.Action) ([]int64, error) {
	action, ok := reviewActions[a]
	if !ok {
		return nil, fmt.Errorf("review step %q", a)
	}
	t.Comment = strings.TrimSpace(t.Comment)
	if err := a.CheckComment(t.Comment); err != nil {
		return nil, err
	}
	if msg := plan.TooLong(t.Comment, plan.MaxText); msg != "" {
		return nil, &Conflict{Message: msg, Field: "comment"}
	}
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		f, subID, version, err := entryFacts(ctx, tx, t.Period, t.Centre)
		if err != nil {
			return err
		}
		if version != t.Version {
			var edits []Edit
			if subID != 0 {
				if edits, err = editsSince(ctx, tx, audit.Submission, subID, t.Version); err != nil {
					return err
				}
			}
			return &StaleError{Entity: audit.Submission, ID: subID, Read: t.Version, Version: version, Edits: edits}
		}
		to, err := plan.Review(f, s.today(), a, t.Comment)
		if err != nil {
			return err
		}
		var centreName string
		var endsOn time.Time
		if err := tx.QueryRow(ctx, `
			SELECT cc.name, p.ends_on FROM cycle_centres cc, periods p
			WHERE cc.id = $1 AND p.id = $2`, int64(t.Centre), t.Period).Scan(&centreName, &endsOn); err != nil {
			return err
		}
		when := endsOn.Format("02/01/2006")
		var text string
		var recipients []int64
		switch a {
		case plan.Submit:
			missing, err := MissingReasons(ctx, tx, t.Period, t.Centre, s.today())
			if err != nil {
				return err
			}
			if len(missing) > 0 {
				return &plan.ReasonsMissingError{Reasons: missing}
			}
			text = fmt.Sprintf("%s ha inviato il monitoraggio al %s: da approvare o restituire.", centreName, when)
			recipients, err = usersWithRole(ctx, tx, "direttore")
			if err != nil {
				return err
			}
		case plan.Return, plan.Approve:
			text = fmt.Sprintf("Il monitoraggio al %s di %s è stato approvato.", when, centreName)
			if a == plan.Return {
				text = fmt.Sprintf("Il monitoraggio al %s di %s è stato restituito: %s", when, centreName, t.Comment)
			}
			recipients, err = CentreManagers(ctx, tx, t.Centre)
			if err != nil {
				return err
			}
		}
		var old audit.Snapshot
		if subID == 0 {
			err = tx.QueryRow(ctx, `
				INSERT INTO submissions (period_id, cycle_centre_id, cycle_id, state, comment, submitted_at, submitted_by)
				SELECT $1, $2, cycle_id, $3, '', now(), $4 FROM periods WHERE id = $1
				ON CONFLICT (period_id, cycle_centre_id) DO NOTHING RETURNING id`,
				t.Period, int64(t.Centre), string(to), t.Actor.UserID).Scan(&subID)
			if errors.Is(err, pgx.ErrNoRows) {
				// Someone submitted it between our read and our insert.
				return &StaleError{Entity: audit.Submission, Read: t.Version, Version: t.Version + 1}
			}
			if err != nil {
				return conflictFrom(err)
			}
		} else {
			var oldState, oldComment string
			if err := tx.QueryRow(ctx, `SELECT state, comment FROM submissions WHERE id = $1`, subID).Scan(&oldState, &oldComment); err != nil {
				return err
			}
			old = audit.Snapshot{audit.KeyState: oldState, audit.KeyComment: oldComment, audit.KeyVersion: version}
			if a == plan.Submit {
				_, err = tx.Exec(ctx, `
					UPDATE submissions SET state = $2, submitted_at = now(), submitted_by = $3,
						reviewed_at = NULL, reviewed_by = NULL, version = version + 1
					WHERE id = $1`, subID, string(to), t.Actor.UserID)
			} else {
				_, err = tx.Exec(ctx, `
					UPDATE submissions SET state = $2, comment = CASE WHEN $3 = '' THEN comment ELSE $3 END,
						reviewed_at = now(), reviewed_by = $4, version = version + 1
					WHERE id = $1`, subID, string(to), t.Comment, t.Actor.UserID)
			}
			if err != nil {
				return conflictFrom(err)
			}
		}
		if err := record(ctx, tx, t.Actor, action, audit.Submission, subID, old, audit.Snapshot{
			audit.KeyPeriodID: t.Period, audit.KeyCycleCentreID: int64(t.Centre), audit.KeyState: string(to),
			audit.KeyComment: t.Comment, audit.KeyVersion: version + 1}); err != nil {
			return err
		}
		notified, err = Notify(ctx, tx, recipients, text, t.Link)
		return err
	})
	return notified, err
}

// usersWithRole are the active accounts of a role.
func usersWithRole(ctx context.Context, tx pgx.Tx, role string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM users WHERE role = $1 AND active ORDER BY id`, role)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// CentreManagers are the active responsabili of a centre of a cycle: the
// accounts bound to its organisational centre.
func CentreManagers(ctx context.Context, tx pgx.Tx, centre domain.CycleCentreID) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.id FROM users u JOIN user_centres uc ON uc.user_id = u.id
		JOIN cycle_centres cc ON cc.centre_id = uc.centre_id
		WHERE cc.id = $1 AND u.role = 'responsabile' AND u.active ORDER BY u.id`, int64(centre))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Notify tells each of users text, with a link to what it is about, inside
// the caller's transaction (it commits or fails with the change it tells
// of). It returns the notifications' ids: once the transaction has
// committed, the server e-mails them (server.mailNotifications) when SMTP is
// configured.
func Notify(ctx context.Context, tx pgx.Tx, users []int64, text, link string) ([]int64, error) {
	if len(users) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO notifications (user_id, text, link) SELECT unnest($1::bigint[]), $2, $3 RETURNING id`, users, text, link)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Notification is a message for a user.
type Notification struct {
	ID      int64
	At      time.Time
	Text    string
	Link    string
	Read    bool
	Email   string // the recipient's, for the e-mail
	Subject string // (see Outbox)
}

// Notifications are the user's notifications, newest first (at most 200).
func (s *Store) Notifications(ctx context.Context, userID int64) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, created_at, text, link, read_at IS NOT NULL FROM notifications
		WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.At, &n.Text, &n.Link, &n.Read)
		return n, err
	})
}

// UnreadNotifications counts the user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}

// MarkRead marks one of the user's notifications read (id 0: all of them);
// another user's notification is ErrNotFound.
func (s *Store) MarkRead(ctx context.Context, userID, id int64) error {
	tag, err := s.exec(ctx, `
		UPDATE notifications SET read_at = coalesce(read_at, now())
		WHERE user_id = $1 AND ($2 = 0 OR id = $2)`, userID, id)
	if err != nil {
		return err
	}
	if id != 0 && tag.RowsAffected() == 0 {
		return fmt.Errorf("notification %d: %w", id, ErrNotFound)
	}
	return nil
}

// Outbox returns the notifications ids with their recipients' e-mails, for
// sending.
func (s *Store) Outbox(ctx context.Context, ids []int64) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT n.id, n.created_at, n.text, n.link, u.email FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.id = ANY($1) AND u.active ORDER BY n.id`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.At, &n.Text, &n.Link, &n.Email)
		return n, err
	})
}

// Deadline is a period open for entry for a centre that has not sent it.
type Deadline struct {
	Year     int
	PeriodID int64
	EndsOn   time.Time
	Centre   domain.CycleCentreID
	Name     string // the centre's
	ClosesOn time.Time
	State    plan.SubmissionState
	// Soon: the deadline falls within the coming week (DeadlineSoon).
	Soon bool
}

// DeadlineSoon is how many days before its deadline a period is due soon.
const DeadlineSoon = 7

// DeadlinesComing are the periods open for entry today of the centres given
// (the organisation's: a manager's), not sent nor approved: the window has
// opened and the deadline (the window's end, or a reopening's) is not past.
// Those due within DeadlineSoon days are Soon. Soonest deadline first.
func (s *Store) DeadlinesComing(ctx context.Context, centres []domain.CentreID, today time.Time) ([]Deadline, error) {
	if len(centres) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(centres))
	for i, c := range centres {
		ids[i] = int64(c)
	}
	today = Day(today)
	rows, err := s.pool.Query(ctx, `
		WITH d AS (
			SELECT y.year, p.id AS pid, p.ends_on, cc.id AS ccid, cc.name,
				greatest(p.closes_on, (SELECT max(r.until) FROM period_reopenings r WHERE r.period_id = p.id AND r.cycle_centre_id = cc.id)) AS deadline,
				p.opens_on, coalesce(s.state, '') AS state
			FROM periods p JOIN cycles y ON y.id = p.cycle_id
			JOIN cycle_centres cc ON cc.cycle_id = p.cycle_id
			LEFT JOIN submissions s ON s.period_id = p.id AND s.cycle_centre_id = cc.id
			WHERE cc.centre_id = ANY($1))
		SELECT year, pid, ends_on, ccid, name, deadline, state, deadline <= $2::date + $3::int FROM d
		WHERE deadline >= $2 AND opens_on <= $2 AND state NOT IN ('inviato', 'approvato')
		ORDER BY deadline, name`, ids, today, DeadlineSoon)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Deadline, error) {
		var d Deadline
		var state string
		err := r.Scan(&d.Year, &d.PeriodID, &d.EndsOn, &d.Centre, &d.Name, &d.ClosesOn, &state, &d.Soon)
		d.State = plan.SubmissionState(state)
		return d, err
	})
}

// MonitoringPeriod is a period of the overview with its window.
type MonitoringPeriod struct {
	ID                        int64
	EndsOn, OpensOn, ClosesOn time.Time
}

// MonitoringCentre is a centre of the overview.
type MonitoringCentre struct {
	ID       domain.CycleCentreID
	CentreID domain.CentreID // the organisation's
	Name     string
}

// MonitoringCell is a (period, centre) of the overview.
type MonitoringCell struct {
	Entry         plan.EntryState
	ReopenedUntil *time.Time
	Comment       string
	SubmittedAt   *time.Time
	SubmittedBy   string
	ReviewedAt    *time.Time
	ReviewedBy    string
}

// MonitoringOverview is every centre × period of a cycle.
type MonitoringOverview struct {
	Year    int
	Periods []MonitoringPeriod
	Centres []MonitoringCentre
	// Cells by centre, then period (indexes of Centres and Periods).
	Cells [][]MonitoringCell
}

// Cell finds the (period, centre); false when either is not of the cycle.
func (o *MonitoringOverview) Cell(periodID int64, centre domain.CycleCentreID) (MonitoringPeriod, MonitoringCentre, MonitoringCell, bool) {
	for i, c := range o.Centres {
		if c.ID != centre {
			continue
		}
		for j, p := range o.Periods {
			if p.ID == periodID {
				return p, c, o.Cells[i][j], true
			}
		}
	}
	return MonitoringPeriod{}, MonitoringCentre{}, MonitoringCell{}, false
}

// Monitoring reads the overview of the cycle of year, judged on today:
// the windows, reopenings and submissions of the cycle as LoadCycle reads
// it (its kept cycle), with the names of the users who sent and reviewed
// (one statement more).
func (s *Store) Monitoring(ctx context.Context, year int, today time.Time) (*MonitoringOverview, error) {
	k, err := s.keptCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	c := k.cycle // not to be changed
	o := &MonitoringOverview{Year: year, Periods: make([]MonitoringPeriod, len(c.Periods)), Centres: make([]MonitoringCentre, len(c.Centres))}
	for j, p := range c.Periods {
		o.Periods[j] = MonitoringPeriod{ID: p.ID, EndsOn: p.EndsOn, OpensOn: p.OpensOn, ClosesOn: p.ClosesOn}
	}
	var users []int64
	o.Cells = make([][]MonitoringCell, len(c.Centres))
	for i, ce := range c.Centres {
		o.Centres[i] = MonitoringCentre{ID: ce.ID, CentreID: ce.CentreID, Name: ce.Name}
		o.Cells[i] = make([]MonitoringCell, len(c.Periods))
		for j, p := range c.Periods {
			f := plan.EntryFacts{OpensOn: p.OpensOn, ClosesOn: p.ClosesOn}
			cell := &o.Cells[i][j]
			for _, r := range ce.Reopenings {
				if r.Period.Equal(p.EndsOn) {
					u := r.Until
					f.ReopenedUntil, cell.ReopenedUntil = u, &u
				}
			}
			version := 0
			for _, sub := range ce.Submissions {
				if sub.Period.Equal(p.EndsOn) {
					f.State, version, cell.Comment = sub.State, sub.Version, sub.Comment
					cell.SubmittedAt, cell.ReviewedAt = timeOrNil(sub.SubmittedAt), timeOrNil(sub.ReviewedAt)
					users = append(users, sub.SubmittedBy, sub.ReviewedBy)
				}
			}
			cell.Entry = plan.Entry(f, today)
			cell.Entry.Version = version
		}
	}
	if len(users) == 0 {
		return o, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id, coalesce(nullif(name, ''), email, '') FROM users WHERE id = ANY($1)`, users)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
		return nil, err
	}
	for i, ce := range c.Centres {
		for j, p := range c.Periods {
			for _, sub := range ce.Submissions {
				if sub.Period.Equal(p.EndsOn) {
					o.Cells[i][j].SubmittedBy, o.Cells[i][j].ReviewedBy = names[sub.SubmittedBy], names[sub.ReviewedBy]
				}
			}
		}
	}
	return o, nil
}

// timeOrNil is a pointer to a copy of t, nil when t is zero.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// InstallWindow sets a period's window as part of installing data (the
// demo), without an entry of its own in the audit log: the import or
// carry-over that created the period records it. People use SetWindow.
func (s *Store) InstallWindow(ctx context.Context, periodID int64, opens, closes time.Time) error {
	opens, closes = Day(opens), Day(closes)
	if p := plan.WindowProblem(opens, closes); p != "" {
		return &Conflict{Message: p}
	}
	tag, err := s.exec(ctx, `UPDATE periods SET opens_on = $2, closes_on = $3 WHERE id = $1`, periodID, opens, closes)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("period %d: %w", periodID, ErrNotFound)
	}
	return err
}
