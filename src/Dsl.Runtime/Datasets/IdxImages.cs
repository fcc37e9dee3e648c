namespace Dsl.Datasets;

/// <summary>Images read from an IDX image file: <paramref name="Count"/> row-major <paramref name="Height"/>×<paramref name="Width"/> byte images, back to back.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Height">Rows per image.</param>
/// <param name="Width">Columns per image.</param>
/// <param name="Pixels">Count × Height × Width pixel bytes.</param>
public sealed record IdxImages(int Count, int Height, int Width, byte[] Pixels);
