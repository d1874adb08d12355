package layout

import "context"

type flashKey struct{}

// WithFlash returns a context carrying a one-time message for the next page.
func WithFlash(ctx context.Context, msg string) context.Context {
	return context.WithValue(ctx, flashKey{}, msg)
}

// FlashFrom returns the one-time message of ctx, if any.
func FlashFrom(ctx context.Context) string {
	s, _ := ctx.Value(flashKey{}).(string)
	return s
}

type menuKey struct{}

// Menu says which entries of the main menu the signed-in user may open;
// the server sets it from the access policy for every page it renders.
type Menu struct {
	Users   bool // Utenti
	Audit   bool // Registro delle modifiche
	MyAreas bool // Le mie aree: a responsabile's centres
	Legal   bool // Accessibilità e privacy: the administrator's form of the legal notices
	// Guide is the page of the user's guide (Guida): the guide of the
	// role, or the index of the guides for a role without one.
	Guide string
	// Unread counts the user's unread notifications (up to
	// auth.UnreadMost), shown beside Notifiche.
	Unread int
}

// WithMenu returns a context carrying the user's menu.
func WithMenu(ctx context.Context, m Menu) context.Context {
	return context.WithValue(ctx, menuKey{}, m)
}

// MenuFrom returns the menu of ctx: no restricted entry when none was set.
func MenuFrom(ctx context.Context) Menu {
	m, _ := ctx.Value(menuKey{}).(Menu)
	return m
}
