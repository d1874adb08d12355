package layout

import (
	"strconv"
	"strings"

	"traguardo/internal/auth"
)

// unreadText is the unread count as the badge shows it: "3", or "99+" past
// 99.
func unreadText(n int) string {
	if n >= auth.UnreadMost {
		return strconv.Itoa(auth.UnreadMost-1) + "+"
	}
	return strconv.Itoa(n)
}

// unreadNotices is what the folded menu's badge counts, for a screen
// reader: "notifica non letta", "notifiche non lette".
func unreadNotices(n int) string {
	if n == 1 {
		return "notifica non letta"
	}
	return "notifiche non lette"
}

// unreadLabel is what the count counts, for a screen reader.
func unreadLabel(n int) string {
	if n == 1 {
		return "non letta"
	}
	return "non lette"
}

// Sections of the main menu, for Page.Section.
const (
	SectionCycles        = "cicli"
	SectionUsers         = "utenti"
	SectionAudit         = "registro"
	SectionPassword      = "password"
	SectionNotifications = "notifiche"
	SectionMyAreas       = "mie-aree"
	SectionLegal         = "note-legali"
	SectionGuide         = "guida"
)

// section is the entry of the main menu the page belongs to: Page.Section,
// or the cycles for a page whose breadcrumb starts from them.
func (p Page) section() string {
	if p.Section != "" {
		return p.Section
	}
	if len(p.Crumbs) > 0 && p.Crumbs[0].Href == "/" {
		return SectionCycles
	}
	return ""
}

// ariaCurrent marks the menu entry of the page: "page" when the page is the
// entry itself, "true" when it lies below it (a cycle, an objective...).
func (p Page) ariaCurrent(section string) string {
	if p.section() != section {
		return ""
	}
	if section == SectionCycles && len(p.Crumbs) > 0 {
		return "true"
	}
	// Guida links to the user's own guide: the index and the other guides
	// lie in its section without being its page.
	if section == SectionGuide {
		return "true"
	}
	return "page"
}

// fullTitle is the text of the page's <title>: its title, the cycle it
// belongs to when the title does not name it (two cycles hold objectives of
// the same number), and the application.
func (p Page) fullTitle() string {
	t := p.Title
	for _, c := range p.Crumbs[:max(len(p.Crumbs)-1, 0)] {
		if year, ok := strings.CutPrefix(c.Label, "Ciclo "); ok && !strings.Contains(t, year) {
			t += " · " + c.Label
		}
	}
	return t + " · Traguardo"
}
