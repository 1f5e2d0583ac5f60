/*
 * expr.c - the expression language of --where, --by, segment rules and
 * alert conditions (tingle(7), "EXPRESSIONS").
 *
 * expr_compile() parses the source once with a recursive-descent parser
 * into a tree of nodes; regular expressions given as string literals are
 * compiled there too, with PCRE2 and its JIT.  expr_eval() walks the tree
 * for one record.  Field values stay raw JSON text until an operator needs
 * them: a string without escapes is used in place, numbers are parsed from
 * their text.  Everything an evaluation must build (decoded strings,
 * lists, lower() results) comes from an arena that is emptied at the start
 * of the next evaluation and keeps its memory, so a running filter does
 * not allocate per record.
 */
#include "expr.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "re.h"
#include "ttime.h"

/* Limits that keep a hostile expression or regex from exhausting the
 * stack or the CPU.  MAX_DEPTH bounds both the parser's recursion
 * (parentheses, brackets, calls, unary operators) and the height of the
 * tree it builds, which the evaluator walks recursively: a chain of
 * 30000 '+' nests as deeply as 30000 parentheses. */
#define MAX_DEPTH 200
#define RX_CACHE 8

/* ---- arena ------------------------------------------------------------ */

/*
 * Scratch memory for one evaluation.  Blocks are kept across resets, so
 * once the arena has grown to what a record needs, evaluation allocates
 * nothing.
 */
struct ablock {
	char *p;
	size_t used, cap;
};

struct arena {
	struct ablock *b;
	size_t n, cur;
};

static void *
arena_alloc(struct arena *a, size_t n)
{
	struct ablock *b;
	size_t cap;

	n = (n + 7) & ~(size_t)7;
	for (; a->cur < a->n; a->cur++) {
		b = &a->b[a->cur];
		if (b->cap - b->used >= n) {
			b->used += n;
			return b->p + b->used - n;
		}
	}
	cap = a->n ? a->b[a->n - 1].cap * 2 : 4096;
	if (cap < n)
		cap = n;
	a->b = xrealloc(a->b, (a->n + 1) * sizeof *a->b);
	b = &a->b[a->n];
	b->p = xmalloc(cap);
	b->cap = cap;
	b->used = n;
	a->cur = a->n++;
	return b->p;
}

static void
arena_reset(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		a->b[i].used = 0;
	a->cur = 0;
}

static void
arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->b[i].p);
	free(a->b);
	memset(a, 0, sizeof *a);
}

/* A NUL-terminated copy of s[0..n) in the arena. */
static char *
arena_strdup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- the tree ----------------------------------------------------------- */

enum node_op {
	N_CONST,  /* k */
	N_PATH,   /* a field by dotted path: name */
	N_NAMED,  /* field("name"): exactly that top-level name */
	N_MEMBER, /* a.name where a is not a plain path */
	N_LIST,   /* [args...] with non-constant items */
	N_NOT,
	N_NEG,
	N_AND,
	N_OR,
	N_EQ,
	N_NE,
	N_LT,
	N_LE,
	N_GT,
	N_GE,
	N_MATCH,
	N_NMATCH,
	N_IN,
	N_ADD,
	N_SUB,
	N_MUL,
	N_DIV,
	N_CALL,
	N_INDEX /* a[b] */
};

enum fn_id {
	F_ABS,
	F_CEIL,
	F_COALESCE,
	F_DATE,
	F_DAYS_BETWEEN,
	F_DOMAIN,
	F_ENDSWITH,
	F_EXISTS,
	F_FIELD,
	F_FLOOR,
	F_GSUB,
	F_HOUR,
	F_LEN,
	F_LOWER,
	F_MATCH,
	F_MAX,
	F_MIN,
	F_NUM,
	F_ROUND,
	F_SPLIT,
	F_STARTSWITH,
	F_STR,
	F_SUB,
	F_SUBSTR,
	F_TRIM,
	F_UPPER,
	F_WEEKDAY
};

static const struct fn {
	const char *name;
	enum fn_id id;
	int min, max; /* number of arguments */
} fns[] = {
    {"abs", F_ABS, 1, 1},
    {"ceil", F_CEIL, 1, 1},
    {"coalesce", F_COALESCE, 1, INT_MAX},
    {"date", F_DATE, 1, 1},
    {"days_between", F_DAYS_BETWEEN, 2, 2},
    {"domain", F_DOMAIN, 1, 1},
    {"endswith", F_ENDSWITH, 2, 2},
    {"exists", F_EXISTS, 1, 1},
    {"field", F_FIELD, 1, 1},
    {"floor", F_FLOOR, 1, 1},
    {"gsub", F_GSUB, 3, 3},
    {"hour", F_HOUR, 1, 1},
    {"len", F_LEN, 1, 1},
    {"lower", F_LOWER, 1, 1},
    {"match", F_MATCH, 2, 2},
    {"max", F_MAX, 1, INT_MAX},
    {"min", F_MIN, 1, INT_MAX},
    {"num", F_NUM, 1, 1},
    {"round", F_ROUND, 1, 2},
    {"split", F_SPLIT, 2, 2},
    {"startswith", F_STARTSWITH, 2, 2},
    {"str", F_STR, 1, 1},
    {"sub", F_SUB, 3, 3},
    {"substr", F_SUBSTR, 2, 3},
    {"trim", F_TRIM, 1, 1},
    {"upper", F_UPPER, 1, 1},
    {"weekday", F_WEEKDAY, 1, 1},
};

/* Does function f take a regular expression as its second argument? */
static int
fn_regex(const struct fn *f)
{
	return f->id == F_MATCH || f->id == F_SUB || f->id == F_GSUB;
}

/* A compiled regular expression and the match data it reuses. */
struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	char *pat; /* the pattern, for the cache of computed patterns */
	size_t plen;
};

/* Patterns computed per record, compiled once per distinct value. */
struct rxcache {
	struct rx slot[RX_CACHE];
	int n, next;
	int groups; /* match data for every group, not only the match */
};

struct node {
	enum node_op op;
	const struct fn *fn; /* N_CALL */
	size_t pos;          /* byte offset in the source, for messages */
	int height;          /* 1 for a leaf, else 1 + its deepest operand */
	struct node *a, *b;
	struct node **args; /* N_CALL and N_LIST */
	size_t nargs;
	val_t k;    /* N_CONST */
	char *name; /* N_PATH, N_NAMED, N_MEMBER */
	size_t nlen;
	struct rx *rx;       /* =~ with a literal pattern */
	struct rxcache *rxc; /* =~ with a computed pattern */
};

/* How an expression reads one of its fields (expr_field_flags). */
struct fuse {
	unsigned reads;  /* times the expression names it */
	unsigned exists; /* of them, as the argument of exists() */
	unsigned flags;  /* EXPR_FIELD_VS_FIELD */
};

struct expr {
	char *src;
	struct node *root;
	struct node **nodes; /* every node, for expr_free */
	size_t nnodes, capnodes;
	char **strs; /* strings and lists owned by constants */
	size_t nstrs, capstrs;
	char **fields; /* NULL-terminated, for expr_fields() */
	size_t nfields;
	struct fuse *fuse; /* per field, how it is read */
	struct re_ctx *rctx;

	/* Per evaluation. */
	const rec_t *rec;
	buf_t *err;
	struct arena ar;
	buf_t tmp;  /* decoding scratch */
	buf_t sbuf; /* building a result (sub, match) */
};

/* ---- regular expressions ------------------------------------------------ */

static void
rx_context(expr_t *e)
{
	static const struct re_limits lim = RE_LIMITS_EXPR;

	if (e->rctx == NULL)
		e->rctx = re_ctx_new(&lim);
}

/*
 * Compile pat[0..plen) into rx.  Returns 0, or -1 with PCRE2's message in
 * msg and the offset of the problem in *erroff.
 */
static int
rx_compile(struct rx *rx, const char *pat, size_t plen, int groups, char *msg,
           size_t msglen, size_t *erroff)
{
	memset(rx, 0, sizeof *rx);
	rx->code =
	    re_compile(pat, plen, PCRE2_MATCH_INVALID_UTF, msg, msglen, erroff);
	if (rx->code == NULL)
		return -1;
	/* =~ needs only where the match is; match() and sub() its groups. */
	rx->md = groups ? pcre2_match_data_create_from_pattern(rx->code, NULL)
	                : pcre2_match_data_create(1, NULL);
	if (rx->md == NULL)
		util_die(EX_SOFTWARE, "out of memory for regex match data");
	rx->pat = xstrndup(pat, plen);
	rx->plen = plen;
	return 0;
}

static void
rx_free(struct rx *rx)
{
	pcre2_match_data_free(rx->md);
	pcre2_code_free(rx->code);
	free(rx->pat);
}

/* ---- compiling ------------------------------------------------------------
 */

enum tok {
	T_EOF,
	T_NUM,
	T_STR,
	T_IDENT,
	T_TRUE,
	T_FALSE,
	T_NULL,
	T_IN,
	T_LP,
	T_RP,
	T_LB,
	T_RB,
	T_COMMA,
	T_DOT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_MATCH,
	T_NMATCH,
	T_AND,
	T_OR,
	T_NOT,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_BAD
};

struct parser {
	expr_t *e;
	const char *src;
	size_t pos; /* scanning position */
	int depth;

	/* The current token. */
	enum tok tok;
	size_t tpos, tlen;
	double num;
	char *str; /* T_STR: decoded, NUL-terminated, owned by e->strs */
	size_t slen;
	int sesc; /* T_STR held a backslash escape */

	/* The first error. */
	int failed;
	size_t epos;
	char emsg[256];
};

static void perr(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = 1;
	p->epos = pos;
	va_start(ap, fmt);
	vsnprintf(p->emsg, sizeof p->emsg, fmt, ap);
	va_end(ap);
}

static char *
keep_str(expr_t *e, char *s)
{
	if (e->nstrs == e->capstrs) {
		e->capstrs = e->capstrs ? e->capstrs * 2 : 8;
		e->strs = xrealloc(e->strs, e->capstrs * sizeof *e->strs);
	}
	e->strs[e->nstrs++] = s;
	return s;
}

static struct node *
mknode(struct parser *p, enum node_op op, size_t pos)
{
	expr_t *e = p->e;
	struct node *n = xcalloc(1, sizeof *n);

	if (e->nnodes == e->capnodes) {
		e->capnodes = e->capnodes ? e->capnodes * 2 : 16;
		e->nodes = xrealloc(e->nodes, e->capnodes * sizeof *e->nodes);
	}
	e->nodes[e->nnodes++] = n;
	n->op = op;
	n->pos = pos;
	n->height = 1;
	return n;
}

/*
 * Set the height of n, whose operands are in place, from theirs.  Returns
 * n, or NULL with an error at n when the tree grows deeper than MAX_DEPTH:
 * the evaluator would recurse that deep.
 */
static struct node *
grown(struct parser *p, struct node *n)
{
	int h = 0;

	if (n->a != NULL && n->a->height > h)
		h = n->a->height;
	if (n->b != NULL && n->b->height > h)
		h = n->b->height;
	for (size_t i = 0; i < n->nargs; i++)
		if (n->args[i]->height > h)
			h = n->args[i]->height;
	n->height = h + 1;
	if (n->height > MAX_DEPTH) {
		perr(p, n->pos, "expression nested too deeply");
		return NULL;
	}
	return n;
}

static void
add_arg(struct node *n, struct node *a)
{
	n->args = xrealloc(n->args, (n->nargs + 1) * sizeof *n->args);
	n->args[n->nargs++] = a;
}

/* The index of top-level field name in e->fields, or -1. */
static long
field_index(const expr_t *e, const char *name, size_t len)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strlen(e->fields[i]) == len &&
		    memcmp(e->fields[i], name, len) == 0)
			return (long)i;
	return -1;
}

/* Note a top-level field name for expr_fields(). */
static void
note_field(expr_t *e, const char *name, size_t len)
{
	long i = field_index(e, name, len);

	if (i < 0) {
		e->fields =
		    xrealloc(e->fields, (e->nfields + 2) * sizeof *e->fields);
		e->fuse = xrealloc(e->fuse, (e->nfields + 1) * sizeof *e->fuse);
		memset(&e->fuse[e->nfields], 0, sizeof *e->fuse);
		i = (long)e->nfields;
		e->fields[e->nfields++] = xstrndup(name, len);
		e->fields[e->nfields] = NULL;
	}
	e->fuse[i].reads++;
}

/*
 * The entry of e->fuse of the top-level field field node n reads, or NULL
 * (a member of a computed value).  With bare set, only an undotted name
 * counts: the shape a word meant as a string has.
 */
static struct fuse *
node_use(expr_t *e, const struct node *n, int bare)
{
	size_t len = n->nlen;
	long i;

	if (n->op == N_PATH) {
		const char *dot = memchr(n->name, '.', n->nlen);
		if (dot != NULL && bare)
			return NULL;
		if (dot != NULL)
			len = (size_t)(dot - n->name);
	} else if (n->op != N_NAMED || bare) {
		return NULL;
	}
	i = field_index(e, n->name, len);
	return i < 0 ? NULL : &e->fuse[i];
}

/* Length of the UTF-8 sequence at s, and its code point, or 0. */
static size_t
utf8_char(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF)
		n = 2, *cp = u[0] & 0x1Fu;
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
		n = 3, *cp = u[0] & 0x0Fu;
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
		n = 4, *cp = u[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (u[i] & 0x3Fu);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return n;
}

/*
 * Length of the identifier character at s, or 0.  Letters of any script
 * may appear in a bare field name; punctuation and symbols outside ASCII
 * (typographic quotes above all) may not, so a pasted "smart quote" is an
 * error rather than a field that is never there.
 */
static size_t
ident_char(const char *s, int first)
{
	unsigned char c = (unsigned char)*s;
	unsigned cp;
	size_t n;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	if (c >= '0' && c <= '9')
		return first ? 0 : 1;
	if (c < 0x80 || (n = utf8_char(s, &cp)) == 0)
		return 0;
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 ||
	    (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF20))
		return 0;
	return n;
}

/*
 * Scan a string literal starting at the quote at p->pos.  JSON's escapes
 * are understood; a backslash before any other character is kept, so a
 * regular expression can be written "\d+" as well as "\\d+".
 */
static void
lex_string(struct parser *p)
{
	const char *s = p->src;
	char q = s[p->pos];
	size_t i = p->pos + 1, n = i + strlen(s + i);
	buf_t b = BUF_INIT;
	int k;

	p->sesc = 0;
	for (;;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\0') {
			perr(p, p->tpos, "unterminated string");
			buf_free(&b);
			p->tok = T_BAD;
			return;
		}
		if (c == (unsigned char)q) {
			i++;
			break;
		}
		if (c != '\\') {
			buf_addc(&b, c);
			i++;
			continue;
		}
		p->sesc = 1;
		c = (unsigned char)s[i + 1];
		/* JSON's escapes, strictly (a lone surrogate is an error),
		 * and \' for the other quote. */
		k = c == '\'' ? 0 : jstr_escape(s + i, n - i, JESC_STRICT, &b);
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		switch (c) {
		case '\'':
			buf_addc(&b, c);
			i += 2;
			break;
		case 'u':
			perr(p, i, "invalid \\u escape in string");
			buf_free(&b);
			p->tok = T_BAD;
			return;
		case '\0':
			i++;
			break;
		default:
			buf_addc(&b, '\\');
			i++;
			break;
		}
	}
	buf_addc(&b, '\0'); /* make sure b.p exists */
	p->slen = b.len - 1;
	p->str = keep_str(p->e, b.p);
	p->tok = T_STR;
	p->pos = i;
}

static void
lex_number(struct parser *p)
{
	const char *s = p->src;
	size_t i = p->pos;
	char *end;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (s[j] >= '0' && s[j] <= '9') {
			while (s[j] >= '0' && s[j] <= '9')
				j++;
			i = j;
		}
	}
	if (ident_char(s + i, 0) || s[i] == '.') {
		perr(p, p->tpos, "invalid number");
		p->tok = T_BAD;
		return;
	}
	char *t = xstrndup(s + p->pos, i - p->pos);
	p->num = strtod(t, &end);
	free(t);
	p->tok = T_NUM;
	p->pos = i;
}

/* Move to the next token. */
static void
next(struct parser *p)
{
	const char *s = p->src;
	unsigned char c;

	if (p->failed) {
		p->tok = T_BAD;
		return;
	}
	while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' ||
	       s[p->pos] == '\r')
		p->pos++;
	p->tpos = p->pos;
	c = (unsigned char)s[p->pos];
	if (c == '\0') {
		p->tok = T_EOF;
		p->tlen = 0;
		return;
	}
	if (ident_char(s + p->pos, 1)) {
		size_t i = p->pos, k;
		int dotted = 0;
		for (;;) {
			while ((k = ident_char(s + i, 0)) != 0)
				i += k;
			if (s[i] == '.' && ident_char(s + i + 1, 0)) {
				dotted = 1;
				i++;
				continue;
			}
			break;
		}
		p->tlen = i - p->pos;
		p->pos = i;
		p->tok = T_IDENT;
		if (!dotted) {
			const char *w = s + p->tpos;
			if (p->tlen == 4 && !memcmp(w, "true", 4))
				p->tok = T_TRUE;
			else if (p->tlen == 5 && !memcmp(w, "false", 5))
				p->tok = T_FALSE;
			else if (p->tlen == 4 && !memcmp(w, "null", 4))
				p->tok = T_NULL;
			else if (p->tlen == 2 && !memcmp(w, "in", 2))
				p->tok = T_IN;
		}
		return;
	}
	if (c >= '0' && c <= '9') {
		lex_number(p);
		p->tlen = p->pos - p->tpos;
		return;
	}
	if (c == '"' || c == '\'') {
		lex_string(p);
		p->tlen = p->pos - p->tpos;
		return;
	}

	char d = s[p->pos + 1];
	p->tlen = 1;
	switch (c) {
	case '(':
		p->tok = T_LP;
		break;
	case ')':
		p->tok = T_RP;
		break;
	case '[':
		p->tok = T_LB;
		break;
	case ']':
		p->tok = T_RB;
		break;
	case ',':
		p->tok = T_COMMA;
		break;
	case '.':
		p->tok = T_DOT;
		break;
	case '+':
		p->tok = T_PLUS;
		break;
	case '-':
		p->tok = T_MINUS;
		break;
	case '*':
		p->tok = T_STAR;
		break;
	case '/':
		p->tok = T_SLASH;
		break;
	case '<':
		p->tok = d == '=' ? T_LE : T_LT;
		break;
	case '>':
		p->tok = d == '=' ? T_GE : T_GT;
		break;
	case '=':
		if (d == '=')
			p->tok = T_EQ;
		else if (d == '~')
			p->tok = T_MATCH;
		else {
			perr(p, p->pos, "unexpected '='; use '==' to compare");
			p->tok = T_BAD;
			return;
		}
		break;
	case '!':
		if (d == '=')
			p->tok = T_NE;
		else if (d == '~')
			p->tok = T_NMATCH;
		else
			p->tok = T_NOT;
		break;
	case '&':
		if (d != '&') {
			perr(p, p->pos, "unexpected '&'; use '&&' for and");
			p->tok = T_BAD;
			return;
		}
		p->tok = T_AND;
		break;
	case '|':
		if (d != '|') {
			perr(p, p->pos, "unexpected '|'; use '||' for or");
			p->tok = T_BAD;
			return;
		}
		p->tok = T_OR;
		break;
	default: {
		unsigned cp;
		size_t k = utf8_char(s + p->pos, &cp);
		if (c < 0x20 || c == 0x7f)
			perr(p, p->pos, "unexpected control character");
		else if (k == 0)
			perr(p, p->pos, "invalid UTF-8 in expression");
		else
			perr(p, p->pos, "unexpected character '%.*s'", (int)k,
			     s + p->pos);
		p->tok = T_BAD;
		return;
	}
	}
	if (p->tok == T_LE || p->tok == T_GE || p->tok == T_EQ ||
	    p->tok == T_NE || p->tok == T_MATCH || p->tok == T_NMATCH ||
	    p->tok == T_AND || p->tok == T_OR)
		p->tlen = 2;
	p->pos += p->tlen;
}

/* "expected X" at the current token, unless an error is already noted. */
static struct node *
expected(struct parser *p, const char *what)
{
	if (p->tok == T_EOF)
		perr(p, p->tpos, "expected %s before the end of the expression",
		     what);
	else
		perr(p, p->tpos, "expected %s", what);
	return NULL;
}

static struct node *parse_or(struct parser *p);
static int compile_literal_rx(struct parser *p, struct node *n, struct node *r);

static const struct fn *
find_fn(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (strlen(fns[i].name) == len &&
		    memcmp(fns[i].name, name, len) == 0)
			return &fns[i];
	return NULL;
}

static int
is_field_node(const struct node *n)
{
	return n->op == N_PATH || n->op == N_NAMED || n->op == N_MEMBER;
}

/*
 * Mark the bare names of comparison m (a == b, a != b, a in [b, c]) that
 * are compared with a field: a word such as sent in `status == sent` is
 * one, and was probably meant as the string "sent".
 */
static void
mark_vs_field(expr_t *e, const struct node *m)
{
	struct fuse *u;

	if (!is_field_node(m->a))
		return;
	if (m->op == N_IN) {
		if (m->b->op == N_LIST)
			for (size_t i = 0; i < m->b->nargs; i++)
				if ((u = node_use(e, m->b->args[i], 1)) != NULL)
					u->flags |= EXPR_FIELD_VS_FIELD;
		return;
	}
	if (!is_field_node(m->b))
		return;
	if ((u = node_use(e, m->a, 1)) != NULL)
		u->flags |= EXPR_FIELD_VS_FIELD;
	if ((u = node_use(e, m->b, 1)) != NULL)
		u->flags |= EXPR_FIELD_VS_FIELD;
}

/* name( args ) with p->tok at '(' */
static struct node *
parse_call(struct parser *p, size_t npos, size_t nlen)
{
	const struct fn *fn = find_fn(p->src + npos, nlen);
	struct node *n, *a;

	if (fn == NULL) {
		perr(p, npos, "unknown function '%.*s'", (int)nlen,
		     p->src + npos);
		return NULL;
	}
	next(p);
	if (fn->id == F_FIELD) {
		if (p->tok != T_STR)
			return expected(p, "a field name in quotes");
		n = mknode(p, N_NAMED, npos);
		n->name = p->str;
		n->nlen = p->slen;
		note_field(p->e, n->name, n->nlen);
		next(p);
		if (p->tok != T_RP)
			return expected(p, "')'");
		next(p);
		return n;
	}
	n = mknode(p, N_CALL, npos);
	n->fn = fn;
	if (p->tok != T_RP) {
		for (;;) {
			size_t apos = p->tpos;
			if ((a = parse_or(p)) == NULL)
				return NULL;
			if (fn->id == F_EXISTS && !is_field_node(a)) {
				perr(p, apos, "exists() needs a field name");
				return NULL;
			}
			struct fuse *u;
			if (fn->id == F_EXISTS && (u = node_use(p->e, a, 0)))
				u->exists++;
			add_arg(n, a);
			if (p->tok == T_RP)
				break;
			if (p->tok != T_COMMA)
				return expected(p, "',' or ')'");
			next(p);
		}
	}
	next(p);
	if ((int)n->nargs < fn->min || (int)n->nargs > fn->max) {
		if (fn->min == fn->max)
			perr(p, npos, "%s() takes %d argument%s, not %zu",
			     fn->name, fn->min, fn->min == 1 ? "" : "s",
			     n->nargs);
		else if (fn->max != INT_MAX)
			perr(p, npos, "%s() takes %d to %d arguments, not %zu",
			     fn->name, fn->min, fn->max, n->nargs);
		else
			perr(p, npos, "%s() needs at least %d argument",
			     fn->name, fn->min);
		return NULL;
	}
	if (fn_regex(fn)) {
		if (n->args[1]->op == N_CONST) {
			if (compile_literal_rx(p, n, n->args[1]) < 0)
				return NULL;
		} else {
			rx_context(p->e);
			n->rxc = xcalloc(1, sizeof *n->rxc);
			n->rxc->groups = 1;
		}
	}
	return grown(p, n);
}

/* [ a, b, ... ] with p->tok at '[' */
static struct node *
parse_list(struct parser *p)
{
	struct node *n = mknode(p, N_LIST, p->tpos), *a;
	int constant = 1;

	next(p);
	if (p->tok != T_RB) {
		for (;;) {
			if ((a = parse_or(p)) == NULL)
				return NULL;
			if (a->op != N_CONST)
				constant = 0;
			add_arg(n, a);
			if (p->tok == T_RB)
				break;
			if (p->tok != T_COMMA)
				return expected(p, "',' or ']'");
			next(p);
		}
	}
	next(p);
	if (grown(p, n) == NULL)
		return NULL;
	if (constant) {
		/* Fold into one constant: the items array is kept with the
		 * expression's strings and freed with them. */
		val_t *items = xcalloc(n->nargs ? n->nargs : 1, sizeof *items);
		keep_str(p->e, (char *)items);
		for (size_t i = 0; i < n->nargs; i++)
			items[i] = n->args[i]->k;
		n->op = N_CONST;
		n->k.t = V_LIST;
		n->k.items = items;
		n->k.nitems = n->nargs;
	}
	return n;
}

static struct node *
parse_primary(struct parser *p)
{
	struct node *n;
	size_t pos = p->tpos;

	switch (p->tok) {
	case T_NUM:
		n = mknode(p, N_CONST, pos);
		n->k.t = V_NUM;
		n->k.n = p->num;
		next(p);
		return n;
	case T_STR:
		n = mknode(p, N_CONST, pos);
		n->k.t = V_STR;
		n->k.s = p->str;
		n->k.len = p->slen;
		next(p);
		return n;
	case T_TRUE:
	case T_FALSE:
		n = mknode(p, N_CONST, pos);
		n->k.t = V_BOOL;
		n->k.b = p->tok == T_TRUE;
		next(p);
		return n;
	case T_NULL:
		n = mknode(p, N_CONST, pos);
		next(p);
		return n;
	case T_LB:
		return parse_list(p);
	case T_LP:
		next(p);
		if ((n = parse_or(p)) == NULL)
			return NULL;
		if (p->tok != T_RP)
			return expected(p, "')'");
		next(p);
		return n;
	case T_IDENT: {
		size_t len = p->tlen;
		next(p);
		if (p->tok == T_LP)
			return parse_call(p, pos, len);
		n = mknode(p, N_PATH, pos);
		n->name = keep_str(p->e, xstrndup(p->src + pos, len));
		n->nlen = len;
		const char *dot = memchr(n->name, '.', len);
		note_field(p->e, n->name, dot ? (size_t)(dot - n->name) : len);
		return n;
	}
	default:
		return expected(
		    p, "a value, a field name, a function call or '('");
	}
}

/* primary ( '.' name | '[' expr ']' )* */
static struct node *
parse_postfix(struct parser *p)
{
	struct node *n = parse_primary(p), *m;

	while (n != NULL && (p->tok == T_DOT || p->tok == T_LB)) {
		size_t pos = p->tpos;
		if (p->tok == T_LB) {
			m = mknode(p, N_INDEX, pos);
			m->a = n;
			next(p);
			if ((m->b = parse_or(p)) == NULL)
				return NULL;
			if (p->tok != T_RB)
				return expected(p, "']'");
			next(p);
			n = grown(p, m);
			continue;
		}
		next(p);
		if (p->tok != T_IDENT && p->tok != T_TRUE &&
		    p->tok != T_FALSE && p->tok != T_NULL && p->tok != T_IN)
			return expected(p, "a field name after '.'");
		m = mknode(p, N_MEMBER, pos);
		m->a = n;
		m->name = keep_str(p->e, xstrndup(p->src + p->tpos, p->tlen));
		m->nlen = p->tlen;
		next(p);
		n = grown(p, m);
	}
	return n;
}

static struct node *
parse_unary(struct parser *p)
{
	struct node *n, *a;
	size_t pos = p->tpos;
	enum tok t = p->tok;

	if (t != T_NOT && t != T_MINUS)
		return parse_postfix(p);
	if (++p->depth > MAX_DEPTH) {
		perr(p, pos, "expression nested too deeply");
		return NULL;
	}
	next(p);
	if ((a = parse_unary(p)) == NULL)
		return NULL;
	p->depth--;
	if (t == T_MINUS && a->op == N_CONST && a->k.t == V_NUM) {
		a->k.n = -a->k.n;
		a->pos = pos;
		return a;
	}
	n = mknode(p, t == T_NOT ? N_NOT : N_NEG, pos);
	n->a = a;
	return grown(p, n);
}

static struct node *
parse_mul(struct parser *p)
{
	struct node *n = parse_unary(p), *m;

	while (n != NULL && (p->tok == T_STAR || p->tok == T_SLASH)) {
		m = mknode(p, p->tok == T_STAR ? N_MUL : N_DIV, p->tpos);
		next(p);
		m->a = n;
		if ((m->b = parse_unary(p)) == NULL)
			return NULL;
		n = grown(p, m);
	}
	return n;
}

static struct node *
parse_add(struct parser *p)
{
	struct node *n = parse_mul(p), *m;

	while (n != NULL && (p->tok == T_PLUS || p->tok == T_MINUS)) {
		m = mknode(p, p->tok == T_PLUS ? N_ADD : N_SUB, p->tpos);
		next(p);
		m->a = n;
		if ((m->b = parse_mul(p)) == NULL)
			return NULL;
		n = grown(p, m);
	}
	return n;
}

static int
cmp_op(enum tok t, enum node_op *op)
{
	switch (t) {
	case T_EQ:
		*op = N_EQ;
		return 1;
	case T_NE:
		*op = N_NE;
		return 1;
	case T_LT:
		*op = N_LT;
		return 1;
	case T_LE:
		*op = N_LE;
		return 1;
	case T_GT:
		*op = N_GT;
		return 1;
	case T_GE:
		*op = N_GE;
		return 1;
	case T_MATCH:
		*op = N_MATCH;
		return 1;
	case T_NMATCH:
		*op = N_NMATCH;
		return 1;
	case T_IN:
		*op = N_IN;
		return 1;
	default:
		return 0;
	}
}

/*
 * Compile the literal pattern r of =~ / !~ or of a regex function n now,
 * pointing at it on error.
 */
static int
compile_literal_rx(struct parser *p, struct node *n, struct node *r)
{
	char msg[160];
	size_t off;

	if (r->k.t != V_STR) {
		perr(p, r->pos, "expected a regular expression (a string)");
		return -1;
	}
	rx_context(p->e);
	n->rx = xcalloc(1, sizeof *n->rx);
	if (rx_compile(n->rx, r->k.s, r->k.len, n->op == N_CALL, msg,
	               sizeof msg, &off) < 0) {
		const char *q = p->src + r->pos;
		size_t at = r->pos;
		free(n->rx);
		n->rx = NULL;
		/* Point into the literal when its bytes are the pattern's
		 * (no escapes); otherwise at the literal. */
		if ((*q == '"' || *q == '\'') &&
		    strncmp(q + 1, r->k.s, r->k.len) == 0 &&
		    q[1 + r->k.len] == *q)
			at = r->pos + 1 + (off < r->k.len ? off : r->k.len);
		perr(p, at, "invalid regular expression: %s", msg);
		return -1;
	}
	return 0;
}

static struct node *
parse_cmp(struct parser *p)
{
	struct node *n = parse_add(p), *m;
	enum node_op op;

	if (n == NULL || !cmp_op(p->tok, &op))
		return n;
	m = mknode(p, op, p->tpos);
	next(p);
	m->a = n;
	if ((m->b = parse_add(p)) == NULL || grown(p, m) == NULL)
		return NULL;
	if (op == N_EQ || op == N_NE || op == N_IN)
		mark_vs_field(p->e, m);
	if (op == N_MATCH || op == N_NMATCH) {
		if (m->b->op == N_CONST) {
			if (compile_literal_rx(p, m, m->b) < 0)
				return NULL;
		} else {
			rx_context(p->e);
			m->rxc = xcalloc(1, sizeof *m->rxc);
		}
	}
	if (cmp_op(p->tok, &op)) {
		perr(p, p->tpos, "comparisons do not chain; use parentheses");
		return NULL;
	}
	return m;
}

static struct node *
parse_and(struct parser *p)
{
	struct node *n = parse_cmp(p), *m;

	while (n != NULL && p->tok == T_AND) {
		m = mknode(p, N_AND, p->tpos);
		next(p);
		m->a = n;
		if ((m->b = parse_cmp(p)) == NULL)
			return NULL;
		n = grown(p, m);
	}
	return n;
}

static struct node *
parse_or(struct parser *p)
{
	struct node *n, *m;

	if (++p->depth > MAX_DEPTH) {
		perr(p, p->tpos, "expression nested too deeply");
		return NULL;
	}
	n = parse_and(p);
	while (n != NULL && p->tok == T_OR) {
		m = mknode(p, N_OR, p->tpos);
		next(p);
		m->a = n;
		if ((m->b = parse_and(p)) == NULL)
			return NULL;
		n = grown(p, m);
	}
	p->depth--;
	return n;
}

/*
 * The message for a syntax error at byte offset pos: the line holding it,
 * with a caret under the character (columns count characters, tabs are
 * copied so the caret lines up).
 */
static void
syntax_message(const char *src, size_t pos, const char *msg, buf_t *err)
{
	size_t ls = 0, le, line = 1, col = 1;
	int multiline = strchr(src, '\n') != NULL;

	for (size_t i = 0; i < pos && src[i]; i++)
		if (src[i] == '\n') {
			ls = i + 1;
			line++;
		}
	for (size_t i = ls; i < pos && src[i]; i++)
		if (((unsigned char)src[i] & 0xC0) != 0x80)
			col++;
	for (le = ls; src[le] && src[le] != '\n'; le++)
		;
	if (multiline)
		buf_printf(
		    err,
		    "syntax error in expression at line %zu, column %zu: %s\n",
		    line, col, msg);
	else
		buf_printf(err,
		           "syntax error in expression at column %zu: %s\n",
		           col, msg);
	buf_adds(err, "  ");
	for (size_t i = ls; i < le; i++)
		buf_addc(err, src[i] == '\r' ? ' ' : src[i]);
	buf_adds(err, "\n  ");
	for (size_t i = ls; i < pos && i < le; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '\t')
			buf_addc(err, '\t');
		else if ((c & 0xC0) != 0x80)
			buf_addc(err, ' ');
	}
	buf_addc(err, '^');
}

/*
 * Compile the expression that starts at byte start of src (messages show
 * the whole of src).
 */
static expr_t *
compile_at(const char *src, size_t start, buf_t *err)
{
	struct parser p;
	expr_t *e = xcalloc(1, sizeof *e);

	e->src = xstrdup(src);
	e->fields = xcalloc(1, sizeof *e->fields);
	memset(&p, 0, sizeof p);
	p.e = e;
	p.src = e->src;
	p.pos = start;
	next(&p);
	e->root = parse_or(&p);
	if (e->root != NULL && p.tok != T_EOF)
		expected(&p, "an operator or the end of the expression");
	if (p.failed) {
		syntax_message(e->src, p.epos, p.emsg, err);
		expr_free(e);
		return NULL;
	}
	return e;
}

expr_t *
expr_compile(const char *src, buf_t *err)
{
	return compile_at(src, 0, err);
}

expr_t *
expr_compile_assign(const char *src, char **name, buf_t *err)
{
	size_t i = 0, ns, ne, k;
	const char *msg = NULL;

	*name = NULL;
	while (src[i] == ' ' || src[i] == '\t')
		i++;
	ns = i;
	if ((k = ident_char(src + i, 1)) != 0)
		for (i += k; (k = ident_char(src + i, 0)) != 0; i += k)
			;
	ne = i;
	while (src[i] == ' ' || src[i] == '\t')
		i++;
	if (ne == ns)
		msg = "expected a field name";
	else if (src[ne] == '.' && ident_char(src + ne + 1, 0))
		msg = "expected a top-level field name, not a dotted path";
	else if (src[i] == '=' && src[i + 1] == '=')
		msg = "expected '=' after the field name; '==' compares";
	else if (src[i] != '=')
		msg = src[i] == '\0' ? "expected '=' and an expression "
		                       "after the field name"
		                     : "expected '=' after the field name";
	if (msg != NULL) {
		syntax_message(src,
		               ne == ns         ? ns
		               : src[ne] == '.' ? ne
		                                : i,
		               msg, err);
		return NULL;
	}
	expr_t *e = compile_at(src, i + 1, err);
	if (e != NULL)
		*name = xstrndup(src + ns, ne - ns);
	return e;
}

/* ---- values ------------------------------------------------------------- */

static const val_t null_val = {V_NULL, 0, 0, NULL, 0, NULL, 0};

/* A JSON number's value from its (valid) text. */
static double
json_number(const char *v, size_t n)
{
	size_t i = 0;
	int neg = 0;
	double d = 0;

	if (n && v[0] == '-') {
		neg = 1;
		i = 1;
	} /*
	   * Up to 15 digits, with or without a fraction: the digits and the
	   * power of ten are exact doubles, so one division rounds exactly as
	   * strtod would, at a fraction of its cost.
	   */
	if (n - i <= 16) {
		static const double p10[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
		                             1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
		                             1e12, 1e13, 1e14, 1e15};
		size_t j, frac = 0;
		int dot = 0;
		for (j = i; j < n; j++) {
			if (v[j] >= '0' && v[j] <= '9') {
				d = d * 10 + (v[j] - '0');
				frac += (size_t)dot;
			} else if (v[j] == '.' && !dot) {
				dot = 1;
			} else {
				break;
			}
		}
		if (j == n && n - i - (size_t)dot <= 15) {
			d /= p10[frac];
			return neg ? -d : d;
		}
	}
	/* The text is followed by a delimiter, so strtod stops there. */
	return strtod(v, NULL);
}

/* Turn a record's raw JSON value into a value. */
static void
from_json(expr_t *e, const char *v, size_t vlen, char type, val_t *out)
{
	*out = null_val;
	switch (type) {
	case JT_STR:
		out->t = V_STR;
		if (memchr(v + 1, '\\', vlen - 2) == NULL) {
			out->s = v + 1;
			out->len = vlen - 2;
		} else {
			buf_reset(&e->tmp);
			jstr_decode(v, vlen, &e->tmp);
			out->s = arena_strdup(&e->ar, e->tmp.p, e->tmp.len);
			out->len = e->tmp.len;
		}
		break;
	case JT_NUM:
		out->t = V_NUM;
		out->n = json_number(v, vlen);
		out->s = v;
		out->len = vlen;
		break;
	case JT_TRUE:
	case JT_FALSE:
		out->t = V_BOOL;
		out->b = type == JT_TRUE;
		break;
	case JT_OBJ:
	case JT_ARR:
		out->t = V_JSON;
		out->s = v;
		out->len = vlen;
		break;
	default:
		break;
	}
}

/*
 * The shortest text that reads back as d: integers without a fraction,
 * others with 15 to 17 significant digits.  buf holds at least 32 bytes.
 */
static size_t
num_text(double d, char *buf)
{
	if (d == 0)
		d = 0; /* no "-0" */
	return json_dtoa(d, buf, 1e17);
}

/*
 * The text of a number: a record's own digits when it wrote an integer (so
 * long identifiers keep every digit), else the shortest form.
 */
static size_t
number_text(const val_t *v, char *buf, size_t cap)
{
	if (v->s != NULL && v->len < cap && json_plain_integer(v->s, v->len)) {
		memcpy(buf, v->s, v->len);
		buf[v->len] = '\0';
		return v->len;
	}
	if (!isfinite(v->n)) {
		memcpy(buf, "null", 5);
		return 4;
	}
	return num_text(v->n, buf);
}

/*
 * A string's value as a number, when the whole string is a decimal number
 * ("42", "-1.5e3"; no spaces, hex, inf or nan).
 */
static int
str_number(const char *s, size_t n, double *d)
{
	char tmp[128];
	size_t i = 0;
	int digits = 0;

	if (n == 0 || n >= sizeof tmp)
		return 0;
	if (s[i] == '-' || s[i] == '+')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != n)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*d = strtod(tmp, NULL);
	return isfinite(*d);
}

/* v as a number: a number, or a string holding one. */
static int
to_number(const val_t *v, double *d)
{
	if (v->t == V_NUM) {
		*d = v->n;
		return 1;
	}
	if (v->t == V_STR)
		return str_number(v->s, v->len, d);
	return 0;
}

/* Skip JSON whitespace. */
static const char *
json_skip(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

static int
is_array(const val_t *v)
{
	return v->t == V_LIST || (v->t == V_JSON && v->len && v->s[0] == '[');
}

static int
is_object(const val_t *v)
{
	return v->t == V_JSON && v->len && v->s[0] == '{';
}

/* Iterate the items of a list or a JSON array. */
struct iter {
	const val_t *v;
	size_t i;
};

static int
iter_next(expr_t *e, struct iter *it, val_t *out)
{
	const char *ev;
	size_t evlen;

	if (it->v->t == V_LIST) {
		if (it->i >= it->v->nitems)
			return 0;
		*out = it->v->items[it->i++];
		return 1;
	}
	if (!jarr_next(it->v->s, it->v->len, &it->i, &ev, &evlen))
		return 0;
	from_json(e, ev, evlen, jtype_of(ev), out);
	return 1;
}

static size_t
array_len(const val_t *v)
{
	const char *ev;
	size_t evlen, pos = 0, n = 0;

	if (v->t == V_LIST)
		return v->nitems;
	while (jarr_next(v->s, v->len, &pos, &ev, &evlen))
		n++;
	return n;
}

/* A member's key, decoded, compared with name[0..nlen). */
static int
key_is(expr_t *e, const jfield_t *f, const char *name, size_t nlen)
{
	if (!f->kesc)
		return f->klen == nlen && memcmp(f->k, name, nlen) == 0;
	/* jstr_decode wants the quotes around the key. */
	buf_t q = BUF_INIT;
	buf_addc(&q, '"');
	buf_add(&q, f->k, f->klen);
	buf_addc(&q, '"');
	buf_reset(&e->tmp);
	jstr_decode(q.p, q.len, &e->tmp);
	buf_free(&q);
	return e->tmp.len == nlen && memcmp(e->tmp.p, name, nlen) == 0;
}

/* Member name of an object value (the last one, as JSON readers do). */
static int
member(expr_t *e, const val_t *obj, const char *name, size_t nlen,
       jfield_t *out)
{
	size_t pos = 0;
	jfield_t f;
	int found = 0;

	while (jobj_next(obj->s, obj->len, &pos, &f))
		if (key_is(e, &f, name, nlen)) {
			*out = f;
			found = 1;
		}
	return found;
}

static int val_equal(expr_t *e, const val_t *a, const val_t *b);

static int
object_equal(expr_t *e, const val_t *a, const val_t *b)
{
	size_t pa = 0, pb = 0, na = 0, nb = 0;
	jfield_t f, g;
	val_t va, vb;

	while (jobj_next(b->s, b->len, &pb, &g))
		nb++;
	while (jobj_next(a->s, a->len, &pa, &f)) {
		na++;
		buf_t key = BUF_INIT;
		if (f.kesc) {
			buf_addc(&key, '"');
			buf_add(&key, f.k, f.klen);
			buf_addc(&key, '"');
			buf_reset(&e->tmp);
			jstr_decode(key.p, key.len, &e->tmp);
			buf_reset(&key);
			buf_add(&key, e->tmp.p, e->tmp.len);
		} else {
			buf_add(&key, f.k, f.klen);
		}
		int found = member(e, b, key.p, key.len, &g);
		buf_free(&key);
		if (!found)
			return 0;
		from_json(e, f.v, f.vlen, f.type ? f.type : jtype_of(f.v), &va);
		from_json(e, g.v, g.vlen, g.type ? g.type : jtype_of(g.v), &vb);
		if (!val_equal(e, &va, &vb))
			return 0;
	}
	return na == nb;
}

/*
 * a == b: same type and value; a number equals a string holding that
 * number; lists and arrays item by item; objects member by member.
 */
static int
val_equal(expr_t *e, const val_t *a, const val_t *b)
{
	double x, y;

	if (a->t == V_NULL || b->t == V_NULL)
		return a->t == b->t;
	if (a->t == V_STR && b->t == V_STR)
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	if (a->t == V_NUM || b->t == V_NUM) {
		if ((a->t == V_NUM || a->t == V_STR) &&
		    (b->t == V_NUM || b->t == V_STR) && to_number(a, &x) &&
		    to_number(b, &y))
			return x == y;
		return 0;
	}
	if (a->t == V_BOOL || b->t == V_BOOL)
		return a->t == b->t && a->b == b->b;
	if (is_array(a) && is_array(b)) {
		struct iter ia = {a, 0}, ib = {b, 0};
		val_t u, v;
		int ha, hb;
		for (;;) {
			ha = iter_next(e, &ia, &u);
			hb = iter_next(e, &ib, &v);
			if (!ha || !hb)
				return ha == hb;
			if (!val_equal(e, &u, &v))
				return 0;
		}
	}
	if (is_object(a) && is_object(b))
		return object_equal(e, a, b);
	return 0;
}

static const char *
type_name(const val_t *v)
{
	switch (v->t) {
	case V_NULL:
		return "null";
	case V_BOOL:
		return "boolean";
	case V_NUM:
		return "number";
	case V_STR:
		return "string";
	case V_LIST:
		return "list";
	case V_JSON:
		return is_array(v) ? "list" : "object";
	}
	return "value";
}

/* "number 3", "string \"abc\"", "object" for messages. */
static void
describe(const val_t *v, buf_t *b)
{
	buf_adds(b, type_name(v));
	if (v->t == V_NUM || v->t == V_BOOL || v->t == V_STR) {
		buf_t t = BUF_INIT;
		buf_addc(b, ' ');
		val_to_json(v, &t);
		if (t.len > 40) {
			size_t n = utf8_valid_prefix(t.p, 36);
			buf_add(b, t.p, n);
			buf_adds(b, "...");
		} else {
			buf_add(b, t.p, t.len);
		}
		buf_free(&t);
	}
}

/* Set a run-time error message; the evaluation then fails. */
static int rt_error(expr_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rt_error(expr_t *e, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (e->err != NULL) {
		buf_reset(e->err);
		buf_adds(e->err, tmp);
	}
	return -1;
}

/* "NAME() needs WHAT, not DESCRIPTION" */
static int
arg_error(expr_t *e, const char *fname, const char *what, const val_t *v)
{
	buf_t d = BUF_INIT;
	int rc;

	describe(v, &d);
	rc = rt_error(e, "%s() needs %s, not %s", fname, what, d.p);
	buf_free(&d);
	return rc;
}

static int
pair_error(expr_t *e, const char *verb, const char *join, const val_t *a,
           const val_t *b)
{
	buf_t da = BUF_INIT, db = BUF_INIT;
	int rc;

	describe(a, &da);
	describe(b, &db);
	rc = rt_error(e, "cannot %s %s %s %s", verb, da.p, join, db.p);
	buf_free(&da);
	buf_free(&db);
	return rc;
}

/* ---- evaluation ---------------------------------------------------------- */

static int ev(expr_t *e, const struct node *n, val_t *out);
static int ev_index(expr_t *e, const struct node *n, val_t *out);

/*
 * Look path up in the members of the object value v: a member named by
 * the whole path first, then a member named by the part before each dot
 * in turn, descending into it (as rec_path does, without allocating).
 */
static int
path_in_value(expr_t *e, const char *v, size_t vlen, const char *path,
              size_t plen, jfield_t *out)
{
	val_t obj = null_val;
	jfield_t f;

	obj.t = V_JSON;
	obj.s = v;
	obj.len = vlen;
	if (member(e, &obj, path, plen, out))
		return 1;
	for (size_t i = 0; i < plen; i++)
		if (path[i] == '.' && member(e, &obj, path, i, &f) &&
		    f.type == JT_OBJ &&
		    path_in_value(e, f.v, f.vlen, path + i + 1, plen - i - 1,
		                  out))
			return 1;
	return 0;
}

/* A dotted path from the top level of the record. */
static int
path_lookup(expr_t *e, const char *path, size_t plen, jfield_t *out)
{
	const jfield_t *g = rec_get(e->rec, path, plen);

	if (g != NULL) {
		*out = *g;
		return 1;
	}
	for (size_t i = 0; i < plen; i++) {
		if (path[i] != '.')
			continue;
		g = rec_get(e->rec, path, i);
		if (g != NULL && g->type == JT_OBJ &&
		    path_in_value(e, g->v, g->vlen, path + i + 1, plen - i - 1,
		                  out))
			return 1;
	}
	return 0;
}

/*
 * Find the field a field node names.  Returns 1 and sets *f when present,
 * 0 when absent, -1 on error.
 */
static int
lookup(expr_t *e, const struct node *n, jfield_t *f)
{
	const jfield_t *g;
	val_t base;

	switch (n->op) {
	case N_PATH:
		if (e->rec == NULL)
			return 0;
		return path_lookup(e, n->name, n->nlen, f);
	case N_NAMED:
		if (e->rec == NULL)
			return 0;
		g = rec_get(e->rec, n->name, n->nlen);
		if (g == NULL)
			return 0;
		*f = *g;
		return 1;
	case N_MEMBER:
		if (ev(e, n->a, &base) < 0)
			return -1;
		if (!is_object(&base))
			return 0;
		return path_in_value(e, base.s, base.len, n->name, n->nlen, f);
	default:
		return 0;
	}
}

static int
ev_field(expr_t *e, const struct node *n, val_t *out)
{
	jfield_t f;
	int rc = lookup(e, n, &f);

	*out = null_val;
	if (rc <= 0)
		return rc;
	from_json(e, f.v, f.vlen, f.type ? f.type : jtype_of(f.v), out);
	return 0;
}

/* Ordering of two non-null values: sets *c to <0, 0, >0. */
static int
order(expr_t *e, const val_t *a, const val_t *b, int *c)
{
	double x, y;

	if (a->t == V_STR && b->t == V_STR) {
		size_t n = a->len < b->len ? a->len : b->len;
		int r = n ? memcmp(a->s, b->s, n) : 0;
		*c = r ? r : (a->len > b->len) - (a->len < b->len);
		return 0;
	}
	if ((a->t == V_NUM || b->t == V_NUM) && to_number(a, &x) &&
	    to_number(b, &y)) {
		*c = (x > y) - (x < y);
		return 0;
	}
	if (a->t == V_BOOL && b->t == V_BOOL) {
		*c = a->b - b->b;
		return 0;
	}
	return pair_error(e, "compare", "with", a, b);
}

static int
ev_compare(expr_t *e, const struct node *n, val_t *out)
{
	val_t a, b;
	int c = 0;

	if (ev(e, n->a, &a) < 0 || ev(e, n->b, &b) < 0)
		return -1;
	*out = null_val;
	out->t = V_BOOL;
	switch (n->op) {
	case N_EQ:
		out->b = val_equal(e, &a, &b);
		return 0;
	case N_NE:
		out->b = !val_equal(e, &a, &b);
		return 0;
	default:
		break;
	}
	/* An ordering with null is false. */
	if (a.t == V_NULL || b.t == V_NULL)
		return 0;
	if (order(e, &a, &b, &c) < 0)
		return -1;
	switch (n->op) {
	case N_LT:
		out->b = c < 0;
		break;
	case N_LE:
		out->b = c <= 0;
		break;
	case N_GT:
		out->b = c > 0;
		break;
	default:
		out->b = c >= 0;
		break;
	}
	return 0;
}

/* The compiled regex for a computed pattern, from the node's cache. */
static struct rx *
rx_cached(expr_t *e, struct rxcache *rc, const val_t *pat)
{
	char msg[160];
	size_t off;
	struct rx rx;
	int i;

	for (i = 0; i < rc->n; i++)
		if (rc->slot[i].plen == pat->len &&
		    memcmp(rc->slot[i].pat, pat->s, pat->len) == 0)
			return &rc->slot[i];
	if (rx_compile(&rx, pat->s, pat->len, rc->groups, msg, sizeof msg,
	               &off) < 0) {
		rt_error(e, "invalid regular expression \"%.*s\": %s",
		         (int)(pat->len > 60 ? 60 : pat->len), pat->s, msg);
		return NULL;
	}
	if (rc->n < RX_CACHE) {
		i = rc->n++;
	} else {
		i = rc->next;
		rc->next = (rc->next + 1) % RX_CACHE;
		rx_free(&rc->slot[i]);
	}
	rc->slot[i] = rx;
	return &rc->slot[i];
}

static int
ev_match(expr_t *e, const struct node *n, val_t *out)
{
	val_t a, pat;
	struct rx *rx = n->rx;
	const char *subj;
	size_t slen;
	char nbuf[64];
	int rc;

	if (ev(e, n->a, &a) < 0)
		return -1;
	if (rx == NULL) {
		if (ev(e, n->b, &pat) < 0)
			return -1;
		if (pat.t != V_STR) {
			buf_t d = BUF_INIT;
			describe(&pat, &d);
			rc = rt_error(
			    e,
			    "the right side of '%s' must be a string, not %s",
			    n->op == N_MATCH ? "=~" : "!~", d.p);
			buf_free(&d);
			return rc;
		}
	}
	*out = null_val;
	out->t = V_BOOL;
	switch (a.t) {
	case V_NULL:
		out->b = n->op == N_NMATCH;
		return 0;
	case V_STR:
		subj = a.s;
		slen = a.len;
		break;
	case V_NUM:
		slen = number_text(&a, nbuf, sizeof nbuf);
		subj = nbuf;
		break;
	case V_BOOL:
		subj = a.b ? "true" : "false";
		slen = strlen(subj);
		break;
	default: {
		buf_t d = BUF_INIT;
		describe(&a, &d);
		rc = rt_error(e, "cannot match %s against a regular expression",
		              d.p);
		buf_free(&d);
		return rc;
	}
	}
	if (rx == NULL && (rx = rx_cached(e, n->rxc, &pat)) == NULL)
		return -1;
	rc = re_match(rx->code, subj, slen, 0, rx->md, e->rctx);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
		out->b = (rc >= 0) == (n->op == N_MATCH);
		return 0;
	}
	char msg[160];
	re_message(rc, msg, sizeof msg);
	return rt_error(e, "regular expression match failed: %s", msg);
}

static int
ev_in(expr_t *e, const struct node *n, val_t *out)
{
	val_t a, b, x;
	jfield_t f;

	if (ev(e, n->a, &a) < 0 || ev(e, n->b, &b) < 0)
		return -1;
	*out = null_val;
	out->t = V_BOOL;
	if (b.t == V_NULL)
		return 0;
	if (is_array(&b)) {
		struct iter it = {&b, 0};
		while (iter_next(e, &it, &x))
			if (val_equal(e, &a, &x)) {
				out->b = 1;
				return 0;
			}
		return 0;
	}
	if (b.t == V_STR && a.t == V_STR) {
		out->b = a.len == 0 || memmem(b.s, b.len, a.s, a.len) != NULL;
		return 0;
	}
	if (a.t == V_NULL && (b.t == V_STR || is_object(&b)))
		return 0;
	if (is_object(&b) && a.t == V_STR) {
		out->b = member(e, &b, a.s, a.len, &f);
		return 0;
	}
	return pair_error(e, "look for", "in", &a, &b);
}

static int
ev_arith(expr_t *e, const struct node *n, val_t *out)
{
	val_t a, b;
	double x, y, r;
	static const char *const verbs[] = {"add", "subtract", "multiply",
	                                    "divide"};
	static const char *const joins[] = {"and", "from", "by", "by"};
	int k = n->op - N_ADD;

	if (ev(e, n->a, &a) < 0 || ev(e, n->b, &b) < 0)
		return -1;
	*out = null_val;
	if (a.t == V_NULL || b.t == V_NULL)
		return 0;
	if (n->op == N_ADD && a.t == V_STR && b.t == V_STR) {
		char *s = arena_alloc(&e->ar, a.len + b.len + 1);
		memcpy(s, a.s, a.len);
		memcpy(s + a.len, b.s, b.len);
		s[a.len + b.len] = '\0';
		out->t = V_STR;
		out->s = s;
		out->len = a.len + b.len;
		return 0;
	}
	if (!to_number(&a, &x) || !to_number(&b, &y)) {
		if (n->op == N_SUB)
			return pair_error(e, verbs[k], joins[k], &b, &a);
		return pair_error(e, verbs[k], joins[k], &a, &b);
	}
	switch (n->op) {
	case N_ADD:
		r = x + y;
		break;
	case N_SUB:
		r = x - y;
		break;
	case N_MUL:
		r = x * y;
		break;
	default:
		r = x / y;
		break;
	}
	/* Division by zero and overflow give null, like a missing value. */
	if (isfinite(r)) {
		out->t = V_NUM;
		out->n = r;
	}
	return 0;
}

/* A value as an instant: a time string, or an epoch number (a number or
 * a string) by the rule of ts_parse_epoch, the same in every stage. */
static int
to_time(const val_t *v, tstamp_t *t)
{
	if (v->t == V_STR)
		return ts_parse_iso(v->s, v->len, t) == 0 ||
		               ts_parse_epoch(v->s, v->len, t) == 0
		           ? 0
		           : -1;
	if (v->t == V_NUM)
		return v->s != NULL ? ts_parse_epoch(v->s, v->len, t)
		                    : ts_epoch_num(v->n, t);
	return -1;
}

static long
civil_day(int64_t sec)
{
	struct tm tm;

	tz_civil(sec, &tm);
	return (long)ts_days_from_civil(tm.tm_year + 1900L, tm.tm_mon + 1,
	                                tm.tm_mday);
}

static int
time_arg(expr_t *e, const char *fname, const val_t *v, tstamp_t *t)
{
	if (to_time(v, t) == 0)
		return 0;
	return arg_error(e, fname, "a time", v);
}

static void
set_str(val_t *out, const char *s, size_t n)
{
	*out = null_val;
	out->t = V_STR;
	out->s = s;
	out->len = n;
}

static void
set_num(val_t *out, double d)
{
	*out = null_val;
	out->t = V_NUM;
	out->n = d;
}

/* ---- strings, lists and numbers ------------------------------------------
 */

/* Number of characters of the UTF-8 text s[0..n). */
static size_t
utf8_count(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Byte offset of character k of s[0..n), or n when there are fewer. */
static size_t
utf8_offset(const char *s, size_t n, size_t k)
{
	size_t i = 0;

	for (; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && k-- == 0)
			return i;
	return n;
}

/* Length of the character at s[i] of s[0..n) (at least 1). */
static size_t
utf8_len_at(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
		j++;
	return j - i;
}

/* v as a whole number (a number or a string holding one) within what a
 * double holds exactly, else a type error naming what. */
static int
int_arg(expr_t *e, const char *fname, const char *what, const val_t *v,
        long long *out)
{
	double d;

	if (!to_number(v, &d) || d != floor(d) || fabs(d) > 9007199254740992.0)
		return arg_error(e, fname, what, v);
	*out = (long long)d;
	return 0;
}

static int
str_arg(expr_t *e, const char *fname, const val_t *v)
{
	return v->t == V_STR ? 0 : arg_error(e, fname, "a string", v);
}

/*
 * A position counted from the start (0-based) or, when negative, from the
 * end of something n long: the position, or -1 when it is outside.
 */
static long long
position(long long i, size_t n)
{
	if (i < 0)
		i += (long long)n;
	return i < 0 || i >= (long long)n ? -1 : i;
}

/* a[b]: an item of a list, a character of a string, a member of an
 * object. */
static int
ev_index(expr_t *e, const struct node *n, val_t *out)
{
	val_t a, b;
	long long i;
	jfield_t f;

	if (ev(e, n->a, &a) < 0 || ev(e, n->b, &b) < 0)
		return -1;
	*out = null_val;
	if (a.t == V_NULL || b.t == V_NULL)
		return 0;
	if (is_object(&a) && b.t == V_STR) {
		if (member(e, &a, b.s, b.len, &f))
			from_json(e, f.v, f.vlen,
			          f.type ? f.type : jtype_of(f.v), out);
		return 0;
	}
	if ((!is_array(&a) && a.t != V_STR) || b.t != V_NUM)
		return pair_error(e, "index", "with", &a, &b);
	if (int_arg(e, "[]", "a whole number", &b, &i) < 0)
		return rt_error(e, "an index must be a whole number, not %g",
		                b.n);
	if (a.t == V_STR) {
		size_t at;
		if ((i = position(i, utf8_count(a.s, a.len))) < 0)
			return 0;
		at = utf8_offset(a.s, a.len, (size_t)i);
		set_str(out, a.s + at, utf8_len_at(a.s, a.len, at));
		return 0;
	}
	if ((i = position(i, array_len(&a))) < 0)
		return 0;
	struct iter it = {&a, 0};
	while (iter_next(e, &it, out) && i-- > 0)
		;
	return 0;
}

/* split(s, sep): the pieces of s between the separators; an empty
 * separator splits into characters. */
static int
fn_split(expr_t *e, const val_t *s, const val_t *sep, val_t *out)
{
	size_t np = 1, k = 0, i, start;
	val_t *items;

	if (str_arg(e, "split", s) < 0 || str_arg(e, "split", sep) < 0)
		return -1;
	if (sep->len == 0)
		np = utf8_count(s->s, s->len);
	else
		for (i = 0; i + sep->len <= s->len; i++)
			if (memcmp(s->s + i, sep->s, sep->len) == 0) {
				np++;
				i += sep->len - 1;
			}
	items = arena_alloc(&e->ar, (np ? np : 1) * sizeof *items);
	if (sep->len == 0) {
		for (i = 0; i < s->len; i += items[k - 1].len)
			set_str(&items[k++], s->s + i,
			        utf8_len_at(s->s, s->len, i));
	} else {
		for (i = 0, start = 0; i + sep->len <= s->len; i++)
			if (memcmp(s->s + i, sep->s, sep->len) == 0) {
				set_str(&items[k++], s->s + start, i - start);
				i += sep->len - 1;
				start = i + 1;
			}
		set_str(&items[k++], s->s + start, s->len - start);
	}
	*out = null_val;
	out->t = V_LIST;
	out->items = items;
	out->nitems = k;
	return 0;
}

/* substr(s, start[, len]) in characters. */
static int
fn_substr(expr_t *e, const struct node *n, const val_t *args, val_t *out)
{
	long long start, len = -1;
	size_t nc, from, to;

	if (str_arg(e, "substr", &args[0]) < 0 ||
	    int_arg(e, "substr", "a whole number", &args[1], &start) < 0)
		return -1;
	if (n->nargs > 2) {
		if (int_arg(e, "substr", "a whole number", &args[2], &len) < 0)
			return -1;
		if (len < 0)
			return arg_error(e, "substr", "a length of 0 or more",
			                 &args[2]);
	}
	nc = utf8_count(args[0].s, args[0].len);
	if (start < 0 && (start += (long long)nc) < 0)
		start = 0;
	if (start > (long long)nc)
		start = (long long)nc;
	if (len < 0 || len > (long long)nc - start)
		len = (long long)nc - start;
	from = utf8_offset(args[0].s, args[0].len, (size_t)start);
	to = utf8_offset(args[0].s, args[0].len, (size_t)(start + len));
	set_str(out, args[0].s + from, to - from);
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * domain(addr): the lower-cased domain of an email address, or null.  An
 * address in angle brackets is taken from them (so a display name, quoted
 * or not, is skipped); the domain is what follows the last '@', with a
 * final dot dropped.  "user@[1.2.3.4]" gives "[1.2.3.4]".
 */
static int
fn_domain(expr_t *e, const val_t *v, val_t *out)
{
	const char *s, *end, *at = NULL, *p;
	int quoted = 0;
	char *d;

	if (str_arg(e, "domain", v) < 0)
		return -1;
	s = v->s;
	end = v->s + v->len;
	for (p = s; p < end; p++) {
		if (*p == '\\' && quoted && p + 1 < end)
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '<' && !quoted)
			break;
	}
	if (p < end) {
		s = p + 1;
		p = memchr(s, '>', (size_t)(end - s));
		end = p != NULL ? p : end;
	}
	for (p = s; p < end; p++)
		if (*p == '@')
			at = p;
	*out = null_val;
	if (at == NULL)
		return 0;
	for (s = at + 1; s < end && is_blank(*s); s++)
		;
	while (end > s && is_blank(end[-1]))
		end--;
	if (end > s && end[-1] == '.')
		end--;
	for (p = s; p < end; p++)
		if (is_blank(*p) || *p == '@' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == '"')
			return 0;
	if (end == s)
		return 0;
	d = arena_alloc(&e->ar, (size_t)(end - s) + 1);
	for (p = s; p < end; p++)
		d[p - s] = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
	d[end - s] = '\0';
	set_str(out, d, (size_t)(end - s));
	return 0;
}

/* round(x[, digits]): half away from zero, to digits after the point
 * (before it when negative). */
static double
round_to(double x, long long digits)
{
	double p, r;

	if (digits == 0)
		return round(x);
	if (digits > 15)
		return x;
	if (digits < -308)
		return 0;
	if (digits > 0) {
		p = pow(10, (double)digits);
		r = round(x * p) / p;
	} else {
		p = pow(10, (double)-digits);
		r = round(x / p) * p;
	}
	return isfinite(r) ? r : x;
}

/* Keep in *out the smaller (want -1) or larger (want 1) of *out and *x;
 * a null x is skipped, a null *out taken over. */
static int
keep_extreme(expr_t *e, const val_t *x, val_t *out, int want)
{
	int c;

	if (x->t == V_NULL)
		return 0;
	if (out->t != V_NULL) {
		if (order(e, x, out, &c) < 0)
			return -1;
		if (c * want <= 0)
			return 0;
	}
	*out = *x;
	return 0;
}

/* min() and max(): of the arguments, or of the items of one list; nulls
 * are skipped. */
static int
fn_minmax(expr_t *e, const struct node *n, val_t *out)
{
	int want = n->fn->id == F_MIN ? -1 : 1;
	val_t a, x;

	*out = null_val;
	if (n->nargs == 1) {
		if (ev(e, n->args[0], &a) < 0)
			return -1;
		if (!is_array(&a)) {
			*out = a;
			return 0;
		}
		struct iter it = {&a, 0};
		while (iter_next(e, &it, &x))
			if (keep_extreme(e, &x, out, want) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < n->nargs; i++)
		if (ev(e, n->args[i], &x) < 0 ||
		    keep_extreme(e, &x, out, want) < 0)
			return -1;
	return 0;
}

/* The text a regular expression is matched against: a string, or a
 * number or boolean as its text (as =~ does). */
static int
match_subject(expr_t *e, const char *fname, const val_t *v, char *nbuf,
              size_t cap, const char **s, size_t *n)
{
	switch (v->t) {
	case V_STR:
		*s = v->s;
		*n = v->len;
		return 0;
	case V_NUM:
		*n = number_text(v, nbuf, cap);
		*s = nbuf;
		return 0;
	case V_BOOL:
		*s = v->b ? "true" : "false";
		*n = strlen(*s);
		return 0;
	default:
		return arg_error(e, fname, "a string", v);
	}
}

static int
match_failed(expr_t *e, int rc)
{
	char msg[160];

	re_message(rc, msg, sizeof msg);
	return rt_error(e, "regular expression match failed: %s", msg);
}

/* The regex of a match(), sub() or gsub() call, or NULL (reported). */
static struct rx *
call_rx(expr_t *e, const struct node *n, const val_t *pat)
{
	if (n->rx != NULL)
		return n->rx;
	if (pat->t != V_STR) {
		arg_error(e, n->fn->name, "a regular expression (a string)",
		          pat);
		return NULL;
	}
	return rx_cached(e, n->rxc, pat);
}

/* Append group g of the match in md on s, if it is set. */
static void
add_group(buf_t *b, const char *s, pcre2_match_data *md, uint32_t g)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (g < pcre2_get_ovector_count(md) && ov[2 * g] != PCRE2_UNSET)
		buf_add(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* match(s, re): the named groups as an object, else the first group,
 * else the whole match; null when it does not match. */
static int
fn_match(expr_t *e, const struct node *n, const val_t *args, val_t *out)
{
	char nbuf[64];
	const char *s;
	size_t len;
	struct rx *rx;
	uint32_t ngroups, nnames, esize;
	PCRE2_SPTR table;
	PCRE2_SIZE *ov;
	int rc;

	*out = null_val;
	if (match_subject(e, "match", &args[0], nbuf, sizeof nbuf, &s, &len) <
	        0 ||
	    (rx = call_rx(e, n, &args[1])) == NULL)
		return -1;
	rc = re_match(rx->code, s, len, 0, rx->md, e->rctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return match_failed(e, rc);
	ov = pcre2_get_ovector_pointer(rx->md);
	pcre2_pattern_info(rx->code, PCRE2_INFO_CAPTURECOUNT, &ngroups);
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMECOUNT, &nnames);
	if (nnames == 0) {
		uint32_t g = ngroups > 0 ? 1 : 0;
		if (ov[2 * g] == PCRE2_UNSET)
			return 0;
		set_str(out,
		        arena_strdup(&e->ar, s + ov[2 * g],
		                     ov[2 * g + 1] - ov[2 * g]),
		        ov[2 * g + 1] - ov[2 * g]);
		return 0;
	}
	/* The named groups in the order of the pattern. */
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMETABLE, &table);
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	buf_reset(&e->sbuf);
	buf_addc(&e->sbuf, '{');
	for (uint32_t g = 1; g <= ngroups; g++)
		for (uint32_t i = 0; i < nnames; i++) {
			const unsigned char *ent = table + (size_t)i * esize;
			if ((uint32_t)(ent[0] << 8 | ent[1]) != g)
				continue;
			jw_key(&e->sbuf, (const char *)ent + 2);
			if (ov[2 * g] == PCRE2_UNSET)
				buf_adds(&e->sbuf, "null");
			else
				jw_str(&e->sbuf, s + ov[2 * g],
				       ov[2 * g + 1] - ov[2 * g]);
			break;
		}
	buf_addc(&e->sbuf, '}');
	out->t = V_JSON;
	out->s = arena_strdup(&e->ar, e->sbuf.p, e->sbuf.len);
	out->len = e->sbuf.len;
	return 0;
}

/*
 * sub(s, re, repl) and gsub(): s with the first match, or every match,
 * replaced by repl, where \0 to \9 stand for the match and its groups
 * and \\ for a backslash.
 */
static int
fn_sub(expr_t *e, const struct node *n, const val_t *args, val_t *out)
{
	char nbuf[64];
	const char *s, *r;
	size_t len, off = 0, rlen;
	struct rx *rx;
	PCRE2_SIZE *ov;
	int rc;

	if (match_subject(e, n->fn->name, &args[0], nbuf, sizeof nbuf, &s,
	                  &len) < 0 ||
	    (rx = call_rx(e, n, &args[1])) == NULL ||
	    str_arg(e, n->fn->name, &args[2]) < 0)
		return -1;
	r = args[2].s;
	rlen = args[2].len;
	ov = pcre2_get_ovector_pointer(rx->md);
	buf_reset(&e->sbuf);
	while (off <= len) {
		rc = re_match_at(rx->code, s, len, off, 0, rx->md, e->rctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return match_failed(e, rc);
		buf_add(&e->sbuf, s + off, ov[0] - off);
		for (size_t i = 0; i < rlen; i++) {
			if (r[i] == '\\' && i + 1 < rlen && r[i + 1] >= '0' &&
			    r[i + 1] <= '9') {
				add_group(&e->sbuf, s, rx->md,
				          (uint32_t)(r[++i] - '0'));
			} else if (r[i] == '\\' && i + 1 < rlen &&
			           r[i + 1] == '\\') {
				buf_addc(&e->sbuf, '\\');
				i++;
			} else {
				buf_addc(&e->sbuf, r[i]);
			}
		}
		off = ov[1];
		if (ov[1] == ov[0]) {
			/* An empty match: keep the next character and go on
			 * after it. */
			if (off < len) {
				size_t k = utf8_len_at(s, len, off);
				buf_add(&e->sbuf, s + off, k);
				off += k;
			} else {
				off = len + 1;
			}
		}
		if (n->fn->id == F_SUB)
			break;
	}
	if (off < len)
		buf_add(&e->sbuf, s + off, len - off);
	set_str(out, arena_strdup(&e->ar, e->sbuf.p, e->sbuf.len), e->sbuf.len);
	return 0;
}

static int
ev_call(expr_t *e, const struct node *n, val_t *out)
{
	static const char *const wdays[] = {"Mon", "Tue", "Wed", "Thu",
	                                    "Fri", "Sat", "Sun"};
	const char *fname = n->fn->name;
	val_t a, b;
	tstamp_t t, u;
	struct tm tm;
	jfield_t f;
	char *s;
	double d;

	*out = null_val;
	switch (n->fn->id) {
	case F_COALESCE:
		for (size_t i = 0; i < n->nargs; i++) {
			if (ev(e, n->args[i], out) < 0)
				return -1;
			if (out->t != V_NULL)
				return 0;
		}
		return 0;
	case F_EXISTS: {
		int rc = lookup(e, n->args[0], &f);
		if (rc < 0)
			return -1;
		out->t = V_BOOL;
		out->b = rc;
		return 0;
	}
	case F_MIN:
	case F_MAX:
		return fn_minmax(e, n, out);
	default:
		break;
	}

	/* Every other function takes at most three arguments. */
	val_t args[3] = {null_val, null_val, null_val};
	for (size_t i = 0; i < n->nargs; i++) {
		if (ev(e, n->args[i], &args[i]) < 0)
			return -1;
		if (args[i].t == V_NULL)
			return 0; /* functions of null are null */
	}
	a = args[0];
	if (n->nargs > 1)
		b = args[1];

	switch (n->fn->id) {
	case F_SPLIT:
		return fn_split(e, &a, &b, out);
	case F_SUBSTR:
		return fn_substr(e, n, args, out);
	case F_STARTSWITH:
	case F_ENDSWITH:
		if (str_arg(e, fname, &a) < 0 || str_arg(e, fname, &b) < 0)
			return -1;
		out->t = V_BOOL;
		out->b = b.len <= a.len &&
		         memcmp(n->fn->id == F_STARTSWITH ? a.s
		                                          : a.s + a.len - b.len,
		                b.s, b.len) == 0;
		return 0;
	case F_TRIM: {
		size_t i = 0, j = a.len;
		if (str_arg(e, fname, &a) < 0)
			return -1;
		while (i < j && is_blank(a.s[i]))
			i++;
		while (j > i && is_blank(a.s[j - 1]))
			j--;
		set_str(out, a.s + i, j - i);
		return 0;
	}
	case F_DOMAIN:
		return fn_domain(e, &a, out);
	case F_MATCH:
		return fn_match(e, n, args, out);
	case F_SUB:
	case F_GSUB:
		return fn_sub(e, n, args, out);
	case F_ABS:
	case F_CEIL:
	case F_FLOOR:
	case F_ROUND: {
		long long digits = 0;
		if (!to_number(&a, &d))
			return arg_error(e, fname, "a number", &a);
		if (n->nargs > 1 &&
		    int_arg(e, fname, "a whole number of digits", &b, &digits) <
		        0)
			return -1;
		d = n->fn->id == F_ABS     ? fabs(d)
		    : n->fn->id == F_CEIL  ? ceil(d)
		    : n->fn->id == F_FLOOR ? floor(d)
		                           : round_to(d, digits);
		set_num(out, d);
		return 0;
	}
	default:
		break;
	}

	switch (n->fn->id) {
	case F_WEEKDAY:
		if (time_arg(e, fname, &a, &t) < 0)
			return -1;
		set_str(out, wdays[tz_weekday(t.sec)], 3);
		return 0;
	case F_DATE:
		if (time_arg(e, fname, &a, &t) < 0)
			return -1;
		tz_civil(t.sec, &tm);
		s = arena_alloc(&e->ar, 32);
		set_str(out, s,
		        (size_t)snprintf(s, 32, "%04d-%02d-%02d",
		                         tm.tm_year + 1900, tm.tm_mon + 1,
		                         tm.tm_mday));
		return 0;
	case F_HOUR:
		if (time_arg(e, fname, &a, &t) < 0)
			return -1;
		tz_civil(t.sec, &tm);
		set_num(out, tm.tm_hour);
		return 0;
	case F_DAYS_BETWEEN:
		if (time_arg(e, fname, &a, &t) < 0 ||
		    time_arg(e, fname, &b, &u) < 0)
			return -1;
		set_num(out, (double)(civil_day(u.sec) - civil_day(t.sec)));
		return 0;
	case F_LOWER:
	case F_UPPER:
		if (a.t != V_STR)
			return arg_error(e, fname, "a string", &a);
		s = arena_alloc(&e->ar, a.len + 1);
		for (size_t i = 0; i < a.len; i++) {
			char c = a.s[i];
			if (n->fn->id == F_LOWER && c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			else if (n->fn->id == F_UPPER && c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			s[i] = c;
		}
		s[a.len] = '\0';
		set_str(out, s, a.len);
		return 0;
	case F_LEN:
		if (a.t == V_STR) {
			size_t cps = 0;
			for (size_t i = 0; i < a.len; i++)
				if (((unsigned char)a.s[i] & 0xC0) != 0x80)
					cps++;
			set_num(out, (double)cps);
		} else if (a.t == V_LIST || is_array(&a)) {
			set_num(out, (double)array_len(&a));
		} else if (is_object(&a)) {
			size_t pos = 0, cnt = 0;
			while (jobj_next(a.s, a.len, &pos, &f))
				cnt++;
			set_num(out, (double)cnt);
		} else {
			return arg_error(e, fname, "a string, list or object",
			                 &a);
		}
		return 0;
	case F_NUM:
		if (a.t == V_NUM)
			*out = a;
		else if (a.t == V_BOOL)
			set_num(out, a.b);
		else if (to_number(&a, &d))
			set_num(out, d);
		return 0; /* anything else is not a number: null */
	case F_STR:
		if (a.t == V_STR) {
			*out = a;
		} else if (a.t == V_NUM) {
			s = arena_alloc(&e->ar, 64);
			set_str(out, s, number_text(&a, s, 64));
		} else {
			buf_t t2 = BUF_INIT;
			val_to_json(&a, &t2);
			set_str(out, arena_strdup(&e->ar, t2.p, t2.len),
			        t2.len);
			buf_free(&t2);
		}
		return 0;
	default:
		return rt_error(e, "internal error: function %s", fname);
	}
}

static int
ev(expr_t *e, const struct node *n, val_t *out)
{
	val_t a;

	switch (n->op) {
	case N_CONST:
		*out = n->k;
		return 0;
	case N_PATH:
	case N_NAMED:
	case N_MEMBER:
		return ev_field(e, n, out);
	case N_LIST: {
		val_t *items = arena_alloc(&e->ar, n->nargs * sizeof *items);
		for (size_t i = 0; i < n->nargs; i++)
			if (ev(e, n->args[i], &items[i]) < 0)
				return -1;
		*out = null_val;
		out->t = V_LIST;
		out->items = items;
		out->nitems = n->nargs;
		return 0;
	}
	case N_NOT:
		if (ev(e, n->a, &a) < 0)
			return -1;
		*out = null_val;
		out->t = V_BOOL;
		out->b = !val_truthy(&a);
		return 0;
	case N_NEG: {
		double d;
		if (ev(e, n->a, &a) < 0)
			return -1;
		*out = null_val;
		if (a.t == V_NULL)
			return 0;
		if (!to_number(&a, &d)) {
			buf_t t = BUF_INIT;
			describe(&a, &t);
			rt_error(e, "cannot negate %s", t.p);
			buf_free(&t);
			return -1;
		}
		set_num(out, -d);
		return 0;
	}
	case N_AND:
	case N_OR:
		if (ev(e, n->a, &a) < 0)
			return -1;
		*out = null_val;
		out->t = V_BOOL;
		if (val_truthy(&a) == (n->op == N_OR)) {
			out->b = n->op == N_OR;
			return 0;
		}
		if (ev(e, n->b, &a) < 0)
			return -1;
		out->b = val_truthy(&a);
		return 0;
	case N_EQ:
	case N_NE:
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		return ev_compare(e, n, out);
	case N_MATCH:
	case N_NMATCH:
		return ev_match(e, n, out);
	case N_IN:
		return ev_in(e, n, out);
	case N_ADD:
	case N_SUB:
	case N_MUL:
	case N_DIV:
		return ev_arith(e, n, out);
	case N_CALL:
		return ev_call(e, n, out);
	case N_INDEX:
		return ev_index(e, n, out);
	}
	return rt_error(e, "internal error: node %d", (int)n->op);
}

int
expr_eval(expr_t *e, const rec_t *r, val_t *out, buf_t *err)
{
	arena_reset(&e->ar);
	e->rec = r;
	e->err = err;
	if (ev(e, e->root, out) < 0) {
		*out = null_val;
		return -1;
	}
	return 0;
}

int
val_truthy(const val_t *v)
{
	switch (v->t) {
	case V_NULL:
		return 0;
	case V_BOOL:
		return v->b;
	case V_NUM:
		return v->n != 0;
	case V_STR:
		return v->len != 0;
	case V_LIST:
		return v->nitems != 0;
	case V_JSON:
		if (v->len && v->s[0] == '[') {
			const char *p = json_skip(v->s + 1, v->s + v->len);
			return p < v->s + v->len && *p != ']';
		}
		return 1;
	}
	return 0;
}

void
val_to_json(const val_t *v, buf_t *out)
{
	char nbuf[64];

	switch (v->t) {
	case V_NULL:
		buf_adds(out, "null");
		break;
	case V_BOOL:
		buf_adds(out, v->b ? "true" : "false");
		break;
	case V_NUM:
		if (v->s != NULL)
			buf_add(out, v->s, v->len);
		else if (!isfinite(v->n))
			buf_adds(out, "null");
		else
			buf_add(out, nbuf, num_text(v->n, nbuf));
		break;
	case V_STR:
		jw_str(out, v->s, v->len);
		break;
	case V_LIST:
		buf_addc(out, '[');
		for (size_t i = 0; i < v->nitems; i++) {
			if (i)
				buf_addc(out, ',');
			val_to_json(&v->items[i], out);
		}
		buf_addc(out, ']');
		break;
	case V_JSON:
		buf_add(out, v->s, v->len);
		break;
	}
}

void
val_to_text(const val_t *v, buf_t *out)
{
	char nbuf[64];

	switch (v->t) {
	case V_STR:
		buf_add(out, v->s, v->len);
		break;
	case V_NUM:
		buf_add(out, nbuf, number_text(v, nbuf, sizeof nbuf));
		break;
	default:
		val_to_json(v, out);
		break;
	}
}

const char *const *
expr_fields(const expr_t *e)
{
	return (const char *const *)e->fields;
}

unsigned
expr_field_flags(const expr_t *e, size_t i)
{
	const struct fuse *u = &e->fuse[i];

	return u->flags | (u->exists == u->reads ? EXPR_FIELD_EXISTS_ONLY : 0);
}

const char *
expr_source(const expr_t *e)
{
	return e->src;
}

void
expr_free(expr_t *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->nnodes; i++) {
		struct node *n = e->nodes[i];
		if (n->rx != NULL) {
			rx_free(n->rx);
			free(n->rx);
		}
		if (n->rxc != NULL) {
			for (int j = 0; j < n->rxc->n; j++)
				rx_free(&n->rxc->slot[j]);
			free(n->rxc);
		}
		free(n->args);
		free(n);
	}
	free(e->nodes);
	for (size_t i = 0; i < e->nstrs; i++)
		free(e->strs[i]);
	free(e->strs);
	for (size_t i = 0; i < e->nfields; i++)
		free(e->fields[i]);
	free(e->fields);
	free(e->fuse);
	re_ctx_free(e->rctx);
	arena_free(&e->ar);
	buf_free(&e->tmp);
	buf_free(&e->sbuf);
	free(e->src);
	free(e);
}
