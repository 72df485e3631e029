/* PNG of an RGB24 image in libpng's bytes; see icon_png.h. */
#include "icon_png.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* libpng's PNG_ZBUF_SIZE: the most bytes of compressed data in one IDAT chunk. */
#define IDAT_MAX 8192
#define FILTERS 5

static void put_be32(struct buf *out, uint32_t v)
{
	char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
	buf_put(out, b, 4);
}

static void put_chunk(struct buf *out, const char *type, const unsigned char *data, size_t len)
{
	put_be32(out, (uint32_t)len);
	buf_put(out, type, 4);
	if (len)
		buf_put(out, (const char *)data, len);
	uLong crc = crc32(0L, (const Bytef *)type, 4);
	if (len)
		crc = crc32(crc, data, (uInt)len);
	put_be32(out, (uint32_t)crc);
}

static unsigned paeth(unsigned a, unsigned b, unsigned c)
{
	int p = (int)a + (int)b - (int)c;
	int pa = abs(p - (int)a), pb = abs(p - (int)b), pc = abs(p - (int)c);
	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* libpng's sum of a filtered row: each byte as a signed value, its magnitude. */
static size_t byte_sum(const unsigned char *v, size_t n)
{
	size_t sum = 0, i = 0;
#ifdef __SSE2__
	/* min(x, 256 - x) is that magnitude; psadbw adds sixteen of them at once. */
	const __m128i zero = _mm_setzero_si128();
	__m128i acc = zero;
	for (; n - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
		acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_min_epu8(x, _mm_sub_epi8(zero, x)), zero));
	}
	sum = (size_t)_mm_cvtsi128_si64(acc) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#endif
	for (; i < n; i++)
		sum += v[i] < 128 ? v[i] : 256u - v[i];
	return sum;
}

#ifdef __SSE2__
/* Eight bytes from p as 16-bit lanes. */
static inline __m128i widen8(const unsigned char *p)
{
	return _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)p), _mm_setzero_si128());
}

static inline __m128i abs16(__m128i x)
{
	return _mm_max_epi16(x, _mm_sub_epi16(_mm_setzero_si128(), x));
}

/*
 * The Paeth filter of row[i..n) for i >= 3, eight bytes at a time: the
 * predictor reads the unfiltered row, so the bytes are independent. p - a
 * is b - c, p - b is a - c, p - c is a + b - 2c; ties go to a, then b, as
 * in paeth(). Returns where the bytes left to the scalar loop start.
 */
static size_t paeth_row(const unsigned char *row, const unsigned char *prev, size_t i, size_t n,
			unsigned char *out)
{
	const __m128i low = _mm_set1_epi16(0xff);
	for (; n - i >= 8; i += 8) {
		__m128i a = widen8(row + i - 3), b = widen8(prev + i), c = widen8(prev + i - 3);
		__m128i pa = abs16(_mm_sub_epi16(b, c)), pb = abs16(_mm_sub_epi16(a, c));
		__m128i pc = abs16(_mm_sub_epi16(_mm_add_epi16(a, b), _mm_add_epi16(c, c)));
		__m128i not_a = _mm_or_si128(_mm_cmpgt_epi16(pa, pb), _mm_cmpgt_epi16(pa, pc));
		__m128i use_c = _mm_cmpgt_epi16(pb, pc);
		__m128i bc = _mm_or_si128(_mm_and_si128(use_c, c), _mm_andnot_si128(use_c, b));
		__m128i pred = _mm_or_si128(_mm_and_si128(not_a, bc), _mm_andnot_si128(not_a, a));
		__m128i d = _mm_and_si128(_mm_sub_epi16(widen8(row + i), pred), low);
		_mm_storel_epi64((__m128i *)(void *)(out + i), _mm_packus_epi16(d, d));
	}
	return i;
}
#endif

/*
 * row filtered with filter f (1 to 4) against prev into out; returns
 * libpng's sum. One loop per filter, so that the compiler vectorises the
 * first three.
 */
static size_t filter_row(int f, const unsigned char *row, const unsigned char *prev, size_t n,
			 unsigned char *out)
{
	size_t lead = n < 3 ? n : 3;    /* the first pixel: a and c are 0 */
	switch (f) {
	case 1:
		memcpy(out, row, lead);
		for (size_t i = 3; i < n; i++)
			out[i] = (unsigned char)(row[i] - row[i - 3]);
		break;
	case 2:
		for (size_t i = 0; i < n; i++)
			out[i] = (unsigned char)(row[i] - prev[i]);
		break;
	case 3:
		for (size_t i = 0; i < lead; i++)
			out[i] = (unsigned char)(row[i] - (prev[i] >> 1));
		for (size_t i = 3; i < n; i++)
			out[i] = (unsigned char)(row[i] - ((row[i - 3] + prev[i]) >> 1));
		break;
	default:
		for (size_t i = 0; i < lead; i++)
			out[i] = (unsigned char)(row[i] - prev[i]);
		{
			size_t i = 3;
#ifdef __SSE2__
			if (n > 3)
				i = paeth_row(row, prev, 3, n, out);
#endif
			for (; i < n; i++)
				out[i] = (unsigned char)(row[i] - paeth(row[i - 3], prev[i], prev[i - 3]));
		}
		break;
	}
	return byte_sum(out, n);
}

/*
 * libpng's optimize_cmf: the zlib header of an image of at most 16 KiB
 * names the smallest window that holds it (the stream is the same).
 */
static void optimize_cmf(unsigned char *data, size_t data_size)
{
	if (data_size > 16384 || (data[0] & 0x0f) != 8 || (data[0] & 0xf0) > 0x70)
		return;
	unsigned cinfo = data[0] >> 4, half = 1u << (cinfo + 7);
	if (data_size > half)
		return;
	do {
		half >>= 1;
		cinfo--;
	} while (cinfo > 0 && data_size <= half);
	unsigned cmf = (data[0] & 0x0fu) | (cinfo << 4), flg = data[1] & 0xe0u;
	flg += 0x1f - ((cmf << 8) + flg) % 0x1f;
	data[0] = (unsigned char)cmf;
	data[1] = (unsigned char)flg;
}

/* The compressed data so far as one IDAT chunk; the first has its header adjusted. */
static void put_idat(struct buf *out, unsigned char *zbuf, size_t len, size_t image_size,
		     int *first)
{
	if (*first && len >= 2)
		optimize_cmf(zbuf, image_size);
	*first = 0;
	put_chunk(out, "IDAT", zbuf, len);
}

/* Feeds n bytes to z, flushing full IDAT chunks of zbuf into out. */
static int deflate_into(z_stream *z, const unsigned char *in, size_t n, int flush,
			unsigned char *zbuf, size_t image_size, int *first, struct buf *out)
{
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)n;
	for (;;) {
		int rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (z->avail_out == 0) {
			put_idat(out, zbuf, IDAT_MAX, image_size, first);
			z->next_out = zbuf;
			z->avail_out = IDAT_MAX;
			continue;
		}
		if (flush == Z_FINISH ? rc == Z_STREAM_END : z->avail_in == 0)
			return 0;
		if (rc == Z_BUF_ERROR)
			return -1;
	}
}

/* zlib set as libpng sets it for an image of image_size filtered bytes (png_deflate_claim). */
static int deflate_start(z_stream *z, size_t image_size, int level, int strategy)
{
	memset(z, 0, sizeof *z);
	/* A window no larger than a small image needs. */
	int window_bits = 15;
	if (image_size <= 16384) {
		unsigned half = 1u << (window_bits - 1);
		while (image_size + 262 <= half) {
			half >>= 1;
			window_bits--;
		}
	}
	return deflateInit2(z, level, Z_DEFLATED, window_bits, 8, strategy);
}

static void put_header(struct buf *out, int width, int height, int colour_type)
{
	buf_put(out, "\x89PNG\r\n\x1a\n", 8);
	unsigned char ihdr[13] = {0};
	for (int k = 0; k < 4; k++) {
		ihdr[k] = (unsigned char)((uint32_t)width >> (24 - 8 * k));
		ihdr[4 + k] = (unsigned char)((uint32_t)height >> (24 - 8 * k));
	}
	ihdr[8] = 8;    /* bits per sample (per index for a palette) */
	ihdr[9] = (unsigned char)colour_type;
	put_chunk(out, "IHDR", ihdr, sizeof ihdr);
}

#define PALETTE_MAX 256
#define COLOUR_SLOTS 1024     /* open addressing, at most a quarter full */

struct palette {
	uint32_t key[COLOUR_SLOTS];     /* 0: free; else the colour | 1 << 24 */
	unsigned char index[COLOUR_SLOTS];
	unsigned char rgb[3 * PALETTE_MAX];
	int n;
};

/* The colour's index in pal, added when new; -1 when the palette is full. */
static int colour_index(struct palette *pal, uint32_t colour)
{
	uint32_t key = (colour & 0xffffff) | 1u << 24;
	size_t i = (key * 0x9e3779b1u) >> 22;
	for (;; i = (i + 1) & (COLOUR_SLOTS - 1)) {
		if (pal->key[i] == key)
			return pal->index[i];
		if (!pal->key[i])
			break;
	}
	if (pal->n == PALETTE_MAX)
		return -1;
	pal->key[i] = key;
	pal->index[i] = (unsigned char)pal->n;
	pal->rgb[3 * pal->n] = (unsigned char)(colour >> 16);
	pal->rgb[3 * pal->n + 1] = (unsigned char)(colour >> 8);
	pal->rgb[3 * pal->n + 2] = (unsigned char)colour;
	return pal->n++;
}

/*
 * The image as palette indices, each row led by filter byte 0 (none, as
 * the PNG specification advises for palettes), into rows (height x
 * (width + 1) bytes). Returns the index of white (for bKGD), or -1 when
 * the image and white need more than 256 colours. A row equal to the one
 * above (the icons are bands of them) takes its indices at once.
 */
static int index_rows(const unsigned char *data, int width, int height, int stride,
		      struct palette *pal, unsigned char *rows)
{
	size_t n = (size_t)width + 1, bytes = (size_t)width * 4;
	for (int y = 0; y < height; y++) {
		const unsigned char *line = data + (size_t)y * (size_t)stride;
		unsigned char *row = rows + (size_t)y * n;
		if (y > 0 && memcmp(line, line - stride, bytes) == 0) {
			memcpy(row, row - n, n);
			continue;
		}
		row[0] = 0;
		const uint32_t *px = (const uint32_t *)(const void *)line;
		uint32_t last = 0;
		int at = -1;
		for (int x = 0; x < width; x++) {
			if (at < 0 || ((px[x] ^ last) & 0xffffff)) {
				last = px[x];
				at = colour_index(pal, last);
				if (at < 0)
					return -1;
			}
			row[1 + x] = (unsigned char)at;
		}
	}
	return colour_index(pal, 0xffffff);
}

/*
 * An image of at most 256 colours (the icons: flat colours and their
 * antialiased edges, some sixty) as an indexed PNG: a third of the bytes
 * to compress and no filter to choose. Zlib's run-length strategy finds
 * the runs of one colour along a row, which is what these images are made
 * of, at a fraction of the default search's cost for the same size.
 * Returns 1 when written, 0 when the image has too many colours, -1 when
 * zlib fails (out then as it was).
 */
static int indexed_png(const unsigned char *data, int width, int height, int stride,
		       struct buf *out)
{
	size_t n = (size_t)width + 1, image_size = (size_t)height * n, start = out->len;
	struct palette *pal = xcalloc(1, sizeof *pal);
	unsigned char *rows = xmalloc(image_size ? image_size : 1);
	int white = index_rows(data, width, height, stride, pal, rows);
	int rc = Z_OK, written = 0;
	if (white >= 0) {
		put_header(out, width, height, 3);
		put_chunk(out, "PLTE", pal->rgb, 3 * (size_t)pal->n);
		unsigned char bkgd = (unsigned char)white;
		put_chunk(out, "bKGD", &bkgd, 1);
		z_stream z;
		unsigned char zbuf[IDAT_MAX];
		int first = 1;
		rc = deflate_start(&z, image_size, Z_DEFAULT_COMPRESSION, Z_RLE);
		z.next_out = zbuf;
		z.avail_out = IDAT_MAX;
		if (rc == Z_OK && deflate_into(&z, rows, image_size, Z_FINISH, zbuf, image_size, &first,
					       out) < 0)
			rc = Z_STREAM_ERROR;
		if (rc == Z_OK && z.avail_out < IDAT_MAX)
			put_idat(out, zbuf, IDAT_MAX - z.avail_out, image_size, &first);
		deflateEnd(&z);
		if (rc == Z_OK)
			put_chunk(out, "IEND", NULL, 0);
		written = 1;
	}
	free(rows);
	free(pal);
	if (rc != Z_OK) {
		out->len = start;
		return -1;
	}
	return written;
}

/* More than 256 colours: RGB, in the bytes Cairo's libpng writes (see icon_png.h). */
static int rgb_png(const unsigned char *data, int width, int height, int stride, struct buf *out)

{
	size_t n = (size_t)width * 3, start = out->len;
	unsigned char *rows[3], *filtered[FILTERS], zbuf[IDAT_MAX];
	for (int k = 0; k < 3; k++)
		rows[k] = xcalloc(n ? n : 1, 1);   /* the rows y, y-1, y-2; zeros above the image */
	for (int f = 0; f < FILTERS; f++)
		filtered[f] = xmalloc(n + 1);
	put_header(out, width, height, 2);    /* RGB */
	static const unsigned char white[6] = {0, 255, 0, 255, 0, 255};
	put_chunk(out, "bKGD", white, sizeof white);

	z_stream z;
	size_t image_size = (size_t)height * (n + 1);
	int first = 1;
	int rc = deflate_start(&z, image_size, Z_DEFAULT_COMPRESSION, Z_FILTERED);
	z.next_out = zbuf;
	z.avail_out = IDAT_MAX;
	/* libpng's png_write_start_row: no filter that reads a row or a pixel the image lacks. */
	int allowed[FILTERS] = {1, width > 1, height > 1, width > 1 && height > 1, width > 1 && height > 1};
	int best = 0, same_before = 0;
	for (int y = 0; rc == Z_OK && y < height; y++) {
		unsigned char *row = rows[0];
		rows[0] = rows[2];
		rows[2] = rows[1];
		rows[1] = row;  /* now rows[1] is y-1's, rows[2] y-2's; rows[0] takes y */
		row = rows[0];
		const uint32_t *px = (const uint32_t *)(data + (size_t)y * (size_t)stride);
		for (int x = 0; x < width; x++) {
			row[3 * x] = (unsigned char)(px[x] >> 16);
			row[3 * x + 1] = (unsigned char)(px[x] >> 8);
			row[3 * x + 2] = (unsigned char)px[x];
		}
		/*
		 * The filters read this row and the one above: when both are
		 * those of the row before, so are its filter and its bytes.
		 */
		int same = memcmp(row, rows[1], n) == 0;
		if (!(same && same_before)) {
			filtered[0][0] = 0;
			memcpy(filtered[0] + 1, row, n);
			size_t mins = byte_sum(row, n);
			best = 0;
			for (int f = 1; f < FILTERS; f++) {
				if (!allowed[f])
					continue;
				filtered[f][0] = (unsigned char)f;
				size_t sum = filter_row(f, row, rows[1], n, filtered[f] + 1);
				if (sum < mins) {
					mins = sum;
					best = f;
				}
			}
		}
		same_before = same;
		if (deflate_into(&z, filtered[best], n + 1, Z_NO_FLUSH, zbuf, image_size, &first, out) < 0)
			rc = Z_STREAM_ERROR;
	}
	if (rc == Z_OK && deflate_into(&z, NULL, 0, Z_FINISH, zbuf, image_size, &first, out) < 0)
		rc = Z_STREAM_ERROR;
	if (rc == Z_OK && z.avail_out < IDAT_MAX)
		put_idat(out, zbuf, IDAT_MAX - z.avail_out, image_size, &first);
	deflateEnd(&z);
	for (int k = 0; k < 3; k++)
		free(rows[k]);
	for (int f = 0; f < FILTERS; f++)
		free(filtered[f]);
	if (rc != Z_OK) {
		out->len = start;
		return -1;
	}
	put_chunk(out, "IEND", NULL, 0);
	return 0;
}

int icon_png_rgb24(const unsigned char *data, int width, int height, int stride, struct buf *out)
{
	int rc = indexed_png(data, width, height, stride, out);
	if (rc)
		return rc < 0 ? -1 : 0;
	return rgb_png(data, width, height, stride, out);
}
