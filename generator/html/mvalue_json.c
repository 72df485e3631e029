/* JSON to Mustache values; see mvalue_json.h. */
#include "mvalue_json.h"

struct mval mval_from_json(struct arena *a, const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: {
		struct mobj *o = mobj_new(a, mv_null());
		const char *key;
		json_t *item;
		json_object_foreach((json_t *)v, key, item)
			mobj_set(a, o, key, mval_from_json(a, item));
		return mv_obj(o);
	}
	case JSON_ARRAY: {
		struct mlist *l = mlist_new(a);
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			mlist_push(a, l, mval_from_json(a, item));
		return mv_list(l);
	}
	case JSON_STRING:
		return mv_strn(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return mv_int((long long)json_integer_value(v));
	case JSON_REAL:
		return mv_real(json_real_value(v));
	case JSON_TRUE:
		return mv_bool(1);
	case JSON_FALSE:
		return mv_bool(0);
	default:
		return mv_null();
	}
}
