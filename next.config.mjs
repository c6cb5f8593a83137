/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build directories let several test runs share one checkout (NEXT_DIST_DIR=.next-x).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  serverExternalPackages: ['better-sqlite3', 'yauzl'],
  poweredByHeader: false,
  // `npm test` runs `tsc --noEmit` over the whole project first; the build need not check again.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      // Browsers ask for the favicon at every URL change, client-side navigations included (bench:browse):
      // kept a day, it is asked for once.
      { source: '/favicon.ico', headers: [{ key: 'Cache-Control', value: 'public, max-age=86400' }] },
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default nextConfig;
