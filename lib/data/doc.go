// Package data provides the data sets of the notebooks: loaders for
// Fashion-MNIST (IDX files) and CIFAR-10 (binary batches), synthetic
// generators for the papers' small experiments, and minibatching.
//
// # Conventions
//
// Every data set here is stored one sample per row, as data sets usually
// are: X is N×d and sample i is X's row i, so that a minibatch is a set of
// contiguous rows (GatherRows). Images are flattened in channel, row,
// column (CHW) order, the order of ad.Dims, with pixel bytes p scaled to
// p/255 ∈ [0, 1] unless Settings.Scale asks for [−½, ½] or [−1, 1]. The
// models of package nn take samples as columns: use nn.NewObjectiveRows, or
// transpose. Labels are ints in [0, len(Classes)).
//
// # Fashion-MNIST and the IDX format
//
// FashionMNIST reads the four files of the Debian package
// dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist) from
// /usr/share/datasets/fashion-mnist, or from the directory in
// $NOETHER_FASHION_MNIST or Settings.Dir, or else downloads them (see
// Downloads below). They are in the IDX format of LeCun's MNIST files:
//
//	offset  size  content
//	0       2     0x00 0x00
//	2       1     element type: 0x08 uint8, 0x09 int8, 0x0B int16,
//	              0x0C int32, 0x0D float32, 0x0E float64
//	3       1     number of dimensions k ≥ 1
//	4       4k    the dimensions, big-endian uint32, outermost first
//	4+4k    …     the elements, big-endian, in row-major order
//
// The image files are uint8 arrays N×28×28 and the label files uint8
// vectors of length N (60000 train, 10000 test), with labels 0…9 naming
// FashionMNISTClasses. ReadIDXFile and ReadIDX read any IDX array, WriteIDX
// writes one. Files may be gzip-compressed whatever their name: a stream
// starting with the gzip magic bytes 1f 8b is decompressed.
//
// # CIFAR-10 binary format
//
// CIFAR10 reads the binary version of CIFAR-10 (data_batch_1.bin …
// data_batch_5.bin and test_batch.bin, 10000 records each) from the
// directory in Settings.Dir or $NOETHER_CIFAR10, or else downloads it (see
// Downloads below); no distribution packages it. A file is a sequence of
// 3073-byte records with no header:
//
//	offset  size  content
//	0       1     label 0…9 (CIFAR10Classes)
//	1       1024  red plane, 32×32 row-major
//	1025    1024  green plane
//	2049    1024  blue plane
//
// which is already CHW order.
//
// # Downloads
//
// A data set that is not installed is downloaded the first time it is
// loaded (FetchFashionMNIST, FetchCIFAR10), into its own directory under
// CacheDir: $NOETHER_DATA_CACHE, else noether/datasets in the user's cache
// directory (~/.cache on Linux). Fashion-MNIST's four .gz files (31 MB) come
// from the S3 site its README names, CIFAR-10's cifar-10-binary.tar.gz
// (170 MB) from its authors' page at the University of Toronto, or both
// from $NOETHER_DATA_MIRROR, a base URL under which the files lie by name.
// Every file is checked against its size, SHA-256 and published MD5 before
// it takes its name in the cache; a download that fails, is corrupt or is
// cancelled leaves nothing behind, and a partial file left by a killed
// process is removed by the next download. Loaders running at once wait
// for each other, so each file is fetched once. CIFAR-10's archive is then
// unpacked (only its six batch files, each checked and bounded) and
// removed.
//
// The transfer itself runs in a child process, `go run
// github.com/noetherlab/noether/lib/data/internal/httpget URL` (in this
// module's source directory when the program was compiled from it, as
// notebooks and tests are; else in the current directory, that of a module
// that requires this one), so that the package links no HTTP client: every
// notebook cell is a program built anew, and net/http with crypto/tls
// would add a fifth to a quarter to the time it takes. The go command is
// thus needed for a download, and its build cache keeps the small program
// after the first; without it, the error says so and how else to get the
// data.
// Cancelling a loader's context stops the child.
//
// NOETHER_OFFLINE=1 (or Settings.Offline) forbids downloads: a data set
// that is nowhere then gives an error saying where the loader looked and
// how to get the data. Programs compiled by go test download only from
// $NOETHER_DATA_MIRROR, so that no test reaches the internet. A progress
// bar shows each download: on standard error when it is a terminal, in the
// cell's output in a notebook (package show sets ProgressBar), nowhere
// otherwise.
//
// # Errors
//
// A missing data set gives an error for which errors.Is(err,
// fs.ErrNotExist) holds and which says how to get it. A malformed or
// truncated file never panics: it gives a *FormatError naming the file, the
// byte offset (counted in the decompressed stream for gzip files) and what
// was wrong, for instance
//
//	train-images-idx3-ubyte.gz: offset 16: data ends after 1200 of 47040000 bytes
//
// A header is checked against the size of its file (exactly for raw files,
// by the largest deflate ratio for compressed ones) and against MaxBytes
// before any memory is allocated for the data.
//
// # Synthetic data
//
// Normal, TeacherStudent, Whitened (the X = I, Y ~ N(0, 1) set of the
// paper's Fig. 3), NoisyIdentity (y = x + ε) and Mixture (Gaussian classes,
// a stand-in for Fashion-MNIST) draw from a *rand.Rand of math/rand/v2, so
// a seed fixes the data.
//
// # Minibatches
//
// A Batcher yields the sample indices of each minibatch, in a new random
// permutation every epoch; GatherRows and GatherLabels copy the selected
// samples into reused buffers, so that a training loop allocates nothing per
// step. OneHot encodes labels as rows of unit vectors.
package data
