/*
 * banned.h - functions observa must not call.
 *
 * Included last by common.h, so that any use of these functions in observa's
 * own code is a compile error. Each has a bounded replacement: ob_buf_addf or
 * snprintf for sprintf, ob_strlcpy or memcpy with a length for strcpy,
 * ob_parse_int for atoi, a length-bounded scanner for strtok.
 */
#ifndef OB_BANNED_H
#define OB_BANNED_H

#define OB_BANNED(func) sorry_##func##_is_banned_in_observa

#undef strcpy
#define strcpy(x, y) OB_BANNED(strcpy)
#undef strcat
#define strcat(x, y) OB_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) OB_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) OB_BANNED(strncat)
#undef sprintf
#define sprintf(...) OB_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) OB_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) OB_BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) OB_BANNED(strtok_r)
#undef atoi
#define atoi(x) OB_BANNED(atoi)
#undef atol
#define atol(x) OB_BANNED(atol)
#undef atof
#define atof(x) OB_BANNED(atof)
#undef gets
#define gets(x) OB_BANNED(gets)

#endif
