#!/bin/sh
# Builds Meta's C++ PDQ reference hasher (pdq-photo-hasher) from a checkout
# of https://github.com/facebook/ThreatExchange, for the reference tests
# and benchmarks of package signals:
#
#   signals/testdata/pdqref.sh SRC_DIR OUT_DIR
#   export SECUNION_PDQ_REFERENCE=OUT_DIR/pdq-photo-hasher
#
# SRC_DIR is the root of the checkout (it holds pdq/cpp); it was checked
# at commit baefb4ed. The compiler flags are those of pdq/cpp/Makefile
# (g++ -std=c++11 -O3 and its warnings, without -g and -Werror), plus what
# CImg needs to decode JPEG and PNG itself, with libjpeg and libpng,
# instead of calling ImageMagick: on Debian, `apt-get install g++
# libjpeg-dev libpng-dev`. Nothing of the reference is copied into this
# repository.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 THREATEXCHANGE_CHECKOUT OUT_DIR" >&2
	exit 2
fi
src=$1
out=$2
cpp=$src/pdq/cpp
if [ ! -f "$cpp/bin/pdq-photo-hasher.cpp" ]; then
	echo "$0: $cpp/bin/pdq-photo-hasher.cpp is missing: SRC_DIR must be the root of a ThreatExchange checkout" >&2
	exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$cpp"
${CXX:-g++} -std=c++11 -O3 -Dcimg_display=0 -Dcimg_use_jpeg -Dcimg_use_png \
	-I../.. -I. -Wall -Wno-char-subscripts -Wno-stringop-truncation -Wno-class-memaccess -Wno-misleading-indentation \
	bin/pdq-photo-hasher.cpp \
	common/pdqhashtypes.cpp io/hashio.cpp common/pdqhamming.cpp hashing/pdqhashing.cpp \
	downscaling/downscaling.cpp io/pdqio.cpp hashing/torben.cpp common/pdqutils.cpp \
	-o "$out/pdq-photo-hasher" -ljpeg -lpng -lz -lm -lpthread
echo "$out/pdq-photo-hasher"
