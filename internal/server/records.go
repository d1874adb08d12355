package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"
	"unicode/utf8"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/labels"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/pages"
)

// Records in words: what the audit log and the variations keep of a plan
// row, a cycle or an account (JSON snapshots of it before and after) put as
// people read it. Both pages name the record and its fields the same way,
// with the tables of internal/labels.

// nameRecord names a record: "Obiettivo 2 «Titolo» — AREA DIREZIONE". The
// snapshots (newest first) name it as it was at the time; sub says where it
// sits, as the database has it now. withCycle adds the cycle's year, for a
// page that mixes cycles.
func nameRecord(entity audit.Entity, sub store.AuditSubject, withCycle bool, snaps ...audit.Snapshot) string {
	str := func(key audit.Key) string {
		for _, m := range snaps {
			if s, ok := m[key].(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	}
	num := func(key audit.Key) int {
		for _, m := range snaps {
			if n, ok := m[key].(json.Number); ok {
				if i, err := n.Int64(); err == nil {
					return int(i)
				}
			}
		}
		return 0
	}
	or := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	quoted := func(s string) string {
		if s == "" {
			return ""
		}
		return " «" + clip(s, 80) + "»"
	}
	label := labels.EntityLabel(entity)
	var name string
	switch entity {
	case audit.Cycle:
		year := num(audit.KeyYear)
		if year == 0 {
			year = sub.Year
		}
		if year != 0 {
			return label + " " + strconv.Itoa(year)
		}
		return label
	case audit.Organisation:
		return label + quoted(or(str(audit.KeyName), sub.Name))
	case audit.Period:
		if t, err := time.Parse(time.DateOnly, or(str(audit.KeyEndsOn), sub.Name)); err == nil {
			return label + " del " + format.Date(t)
		}
		return label
	case audit.User, audit.Access:
		if e := or(str(audit.KeyEmail), sub.Name); e != "" && entity == audit.User {
			return label + " " + e
		}
		return label
	case audit.Centre:
		name = label + quoted(or(str(audit.KeyName), sub.Name))
	case audit.Objective:
		number, title := num(audit.KeyNumber), or(str(audit.KeyTitle), sub.ObjectiveTitle)
		if number == 0 {
			number = sub.Objective
		}
		name = label
		if number != 0 {
			name += " " + strconv.Itoa(number)
		}
		name += quoted(title)
		if sub.Centre != "" {
			name += " — " + sub.Centre
		}
	case audit.Activity, audit.Indicator:
		key := audit.KeyDescription
		if entity == audit.Indicator {
			key = audit.KeyName
		}
		name = label + quoted(or(str(key), sub.Name))
		switch {
		case sub.Objective != 0 && sub.Centre != "":
			name += fmt.Sprintf(" — obiettivo %d di %s", sub.Objective, sub.Centre)
		case sub.Objective != 0:
			name += fmt.Sprintf(" — obiettivo %d", sub.Objective)
		}
	default:
		name = label
	}
	if withCycle && sub.Year != 0 {
		name += " (ciclo " + strconv.Itoa(sub.Year) + ")"
	}
	return name
}

// planSubjects names the records of a cycle by entity and id, as the
// variations page finds them in the plan it loaded.
func planSubjects(c *plan.Cycle) map[audit.Entity]map[int64]store.AuditSubject {
	n := map[audit.Entity]map[int64]store.AuditSubject{audit.Centre: {}, audit.Objective: {}, audit.Activity: {}, audit.Indicator: {}, audit.Period: {}}
	for _, p := range c.Periods {
		n[audit.Period][p.ID] = store.AuditSubject{Exists: true, Year: c.Year, Name: p.EndsOn.Format(time.DateOnly)}
	}
	for _, ce := range c.Centres {
		n[audit.Centre][int64(ce.ID)] = store.AuditSubject{Exists: true, Year: c.Year, Centre: ce.Name, Name: ce.Name}
		for _, o := range ce.Objectives {
			in := store.AuditSubject{Exists: true, Year: c.Year, Centre: ce.Name, Objective: o.Number, ObjectiveTitle: o.Title}
			n[audit.Objective][o.ID] = in
			for _, a := range o.Activities {
				in.Name = a.Description
				n[audit.Activity][a.ID] = in
			}
			for _, i := range o.Indicators {
				in.Name = i.Name
				n[audit.Indicator][i.ID] = in
			}
		}
	}
	return n
}

// describer puts the fields of a record in words. centres names the
// organisational centres an account's snapshot lists by id.
type describer struct {
	centres map[int64]string
}

// fields lists the fields of a record: for a change (both snapshots) each
// field that changed, as it was and as it became; for a creation the fields
// set; for a deletion the fields it had. Internal fields are left out, and
// so are keys the label table does not know (a test keeps the table whole).
func (d describer) fields(entity audit.Entity, old, now audit.Snapshot) []pages.FieldChange {
	both := len(old) > 0 && len(now) > 0
	var out []pages.FieldChange
	for _, f := range labels.Fields(entity) {
		if f.Kind == labels.Hidden {
			continue
		}
		o, hasOld := old[f.Key]
		n, hasNew := now[f.Key]
		switch {
		case both && hasOld && hasNew:
			ov, nv := d.value(f, o, old), d.value(f, n, now)
			switch {
			case f.Kind == labels.Group && ov == nv && fmt.Sprint(o) != fmt.Sprint(n):
				out = append(out, pages.FieldChange{Label: f.Label, Before: ov, After: pages.FieldValue{Text: "assegnato a un altro gruppo"}})
			case ov != nv:
				out = append(out, pages.FieldChange{Label: f.Label, Before: ov, After: nv})
			}
		case both:
			// A field one snapshot lacks did not change as far as the log knows.
		case hasNew && !empty(n):
			out = append(out, pages.FieldChange{Label: f.Label, After: d.value(f, n, now)})
		case hasOld && !empty(o):
			out = append(out, pages.FieldChange{Label: f.Label, Before: d.value(f, o, old)})
		}
	}
	return out
}

var tags = regexp.MustCompile(`<[^>]*>`)

// value writes a snapshot value for people: Italian numbers, dates and
// months, positions from 1, codes in words, text without markup and
// clipped (the whole text kept in Full).
func (d describer) value(f labels.Field, v any, snap audit.Snapshot) pages.FieldValue {
	text := func(s string) pages.FieldValue { return pages.FieldValue{Text: s} }
	switch f.Kind {
	case labels.Group:
		if v == nil {
			return text("nessuno")
		}
		return text("assegnato")
	case labels.YesNo:
		if b, ok := v.(bool); ok {
			if b {
				return text("sì")
			}
			return text("no")
		}
	}
	if empty(v) {
		return text("(vuoto)")
	}
	if f.Kind == labels.ProgressValues || f.Kind == labels.ProgressActivities {
		if list, ok := v.([]any); ok {
			return text(progressLines(f.Kind, list))
		}
		// A record written before the snapshots were data holds the
		// lines already.
	}
	switch v := v.(type) {
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			if f.Kind == labels.Centres {
				parts = append(parts, d.centre(e))
				continue
			}
			parts = append(parts, d.value(f, e, snap).Text)
		}
		return text(strings.Join(parts, ", "))
	case json.Number:
		n, err := v.Float64()
		if err != nil {
			return text(v.String())
		}
		switch f.Kind {
		case labels.Position:
			return text(strconv.Itoa(int(n) + 1))
		case labels.Year:
			return text(v.String())
		case labels.Expected:
			if u, ok := snap[audit.KeyUnit].(string); ok {
				return text(format.Value(domain.Unit(u), n))
			}
		case labels.Centres:
			return text(d.centre(v))
		}
		return text(format.Number(n))
	case string:
		switch f.Kind {
		case labels.Month:
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return text(domain.MonthName(t.Month()) + " " + strconv.Itoa(t.Year()))
			}
		case labels.Day:
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return text(format.Date(t))
			}
		case labels.Polarity:
			return text(labels.PolarityLabel(domain.Polarity(v)))
		case labels.Role:
			return text(auth.Role(v).Label())
		case labels.ThrottleLimit:
			return text(labels.ThrottleLimitLabel(audit.Limit(v)))
		case labels.SubmissionState:
			return text(plan.SubmissionState(v).Label())
		case labels.AccessForm:
			return text(labels.AccessFormLabel(v))
		case labels.Refusal:
			return text(labels.RefusalLabel(audit.Refusal(v)))
		case labels.Markup:
			v = html.UnescapeString(tags.ReplaceAllString(v, " "))
		}
		whole := "«" + strings.Join(strings.Fields(v), " ") + "»"
		if short := "«" + clip(v, 160) + "»"; short != whole {
			return pages.FieldValue{Text: short, Full: whole}
		}
		return text(whole)
	}
	return text(fmt.Sprint(v))
}

// centre names an organisational centre by its id.
func (d describer) centre(id any) string {
	if n, ok := id.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			if name, ok := d.centres[i]; ok {
				return name
			}
		}
	}
	return "un centro non più presente"
}

// decodeSnapshot reads a JSON snapshot, keeping numbers exact.
func decodeSnapshot(s string) audit.Snapshot {
	m := audit.Snapshot{}
	if s == "" {
		return m
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	_ = d.Decode(&m) // a snapshot that is not an object shows no fields
	return m
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case bool:
		return !v
	case []any:
		return len(v) == 0
	}
	return false
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// progressLines writes a progress snapshot's indicator entries or
// activities' months (lists of objects) in Italian, one "; " apart:
// "Incontri: 8 (motivo: …)", "Attività 2: Settembre".
func progressLines(kind labels.Kind, list []any) string {
	lines := make([]string, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		str := func(k audit.Key) string { s, _ := m[string(k)].(string); return s }
		num := func(k audit.Key) (float64, bool) {
			n, ok := m[string(k)].(json.Number)
			if !ok {
				return 0, false
			}
			f, err := n.Float64()
			return f, err == nil
		}
		var line string
		if kind == labels.ProgressValues {
			line = str(audit.KeyName) + ": "
			switch v, ok := num(audit.KeyValue); {
			case m[string(audit.KeyNotMeasurable)] == true:
				line += "non rilevabile"
			case ok:
				line += format.Value(domain.Unit(str(audit.KeyUnit)), v)
			case domain.Unit(str(audit.KeyUnit)).IsYesNo():
				line += format.YesNo(false)
			}
		} else {
			pos, _ := num(audit.KeyPosition)
			year, _ := num(audit.KeyYear)
			var span domain.Span
			span.Annual = m[string(audit.KeyAnnual)] == true
			span.From, span.To = parseMonth(str(audit.KeyFrom)), parseMonth(str(audit.KeyTo))
			line = fmt.Sprintf("Attività %d: %s", int(pos)+1, span.Label(int(year)))
		}
		if r := str(audit.KeyReason); r != "" {
			line += " (motivo: " + r + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "; ")
}

// parseMonth reads a snapshot's month, "2023-09"; nil when empty or not one.
func parseMonth(s string) *domain.Month {
	m, err := domain.ParseMonth(s)
	if err != nil {
		return nil
	}
	return &m
}
