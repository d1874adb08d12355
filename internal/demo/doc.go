// Package demo holds the demonstration data of Traguardo.
package demo
