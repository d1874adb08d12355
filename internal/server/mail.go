package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"
	"unicode/utf8"
)

// MailConfig is the SMTP server the notifications are e-mailed through;
// with no Addr nothing is sent (the notifications stay in the application).
type MailConfig struct {
	Addr     string // host:port (SMTP_ADDR)
	From     string // the sender's address (SMTP_FROM)
	User     string // optional (SMTP_USER), with Password: PLAIN authentication, over TLS or to localhost
	Password string
	// BaseURL prefixes the notifications' links (BASE_URL), e.g.
	// https://performance.ente.it; without it the e-mail carries the path.
	BaseURL string
}

// mailNotifications e-mails the notifications ids (store.Notify's), once
// their transaction has committed: in the background, best-effort, a
// failure logged and never the request's.
func (s *Server) mailNotifications(ids []int64) {
	if s.cfg.Mail.Addr == "" || len(ids) == 0 {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := s.store.Outbox(ctx, ids)
		if err != nil {
			s.log.Warn("notifications not e-mailed", "err", err)
			return
		}
		for _, n := range out {
			if err := s.cfg.Mail.send(n.Email, mailSubject(n.Text), n.Text+"\r\n\r\n"+s.cfg.Mail.BaseURL+n.Link+"\r\n"); err != nil {
				s.log.Warn("notification not e-mailed", "id", n.ID, "to", n.Email, "err", err)
			}
		}
	}()
}

// mailSubject is the e-mail's subject: the notification's first words.
func mailSubject(text string) string {
	const most = 70
	if utf8.RuneCountInString(text) > most {
		text = string([]rune(text)[:most]) + "…"
	}
	return "Traguardo: " + text
}

// send delivers one message with net/smtp, within 30 seconds.
func (m MailConfig) send(to, subject, body string) error {
	for _, v := range []string{to, subject} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("line break in a header")
		}
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		m.From, to, mime.QEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z))
	qp := quotedprintable.NewWriter(&msg)
	if _, err := qp.Write([]byte(body)); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	conn, err := net.DialTimeout("tcp", m.Addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if m.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.User, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg.Bytes()); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
