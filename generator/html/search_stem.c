/*
 * The Snowball French stemmer (libstemmer) behind search_stem and the
 * index: a stemmer is not thread-safe, so search_stem keeps one per thread
 * while the index, built on one thread, brings its own (search_new_stemmer).
 * Apart from the index because the rendering threads stem too (search.h).
 */
#include "search_internal.h"
#include "xalloc.h"

#include <libstemmer.h>
#include <pthread.h>

char *search_stem_with(struct sb_stemmer *sb, const char *s, size_t n)
{
	struct buf l = BUF_INIT, f = BUF_INIT;
	search_lower(s, n, &l);
	const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)buf_cstr(&l), (int)l.len);
	if (st)
		search_fold((const char *)st, (size_t)sb_stemmer_length(sb), &f);
	else
		search_fold(buf_cstr(&l), l.len, &f);
	buf_free(&l);
	if (!f.data)
		return xstrdup("");
	return buf_detach(&f);
}

/* One stemmer per thread for search_stem (a stemmer is not thread-safe). */
static pthread_key_t stemmer_key;
static pthread_once_t stemmer_once = PTHREAD_ONCE_INIT;

static void stemmer_free(void *sb)
{
	sb_stemmer_delete(sb);
}

static void stemmer_key_create(void)
{
	pthread_key_create(&stemmer_key, stemmer_free);
}

/* A French stemmer; with "french" built into libstemmer, NULL can only mean out of memory. */
struct sb_stemmer *search_new_stemmer(void)
{
	struct sb_stemmer *sb = sb_stemmer_new("french", "UTF_8");
	if (!sb)
		xalloc_failed();
	return sb;
}

char *search_stem(const char *s, size_t n)
{
	pthread_once(&stemmer_once, stemmer_key_create);
	struct sb_stemmer *sb = pthread_getspecific(stemmer_key);
	if (!sb) {
		sb = search_new_stemmer();
		pthread_setspecific(stemmer_key, sb);
	}
	return search_stem_with(sb, s, n);
}
