/** The demo catalog's vocabulary: a two-level category tree and the words product names are made of. */

/** How a product's variants differ; decides the attribute names and values. */
export type VariantKind = 'apparel' | 'shoes' | 'color' | 'storage' | 'volume' | 'weight' | 'format' | 'pack' | 'dimension'

export interface SubcategorySpec {
  name: string
  nouns: readonly string[]
  kind: VariantKind
  /** Base price range in USD cents. */
  price: readonly [number, number]
}

export interface CategorySpec {
  name: string
  description: string
  children: readonly SubcategorySpec[]
}

export const CATEGORY_TREE: readonly CategorySpec[] = [
  {
    name: 'Electronics',
    description: 'Phones, audio, computers and cameras.',
    children: [
      {
        name: 'Phone Accessories',
        nouns: ['Phone Case', 'Charger', 'USB-C Cable', 'Screen Protector', 'Power Bank', 'Car Mount'],
        kind: 'color',
        price: [799, 4999],
      },
      {
        name: 'Audio',
        nouns: ['Headphones', 'Earbuds', 'Bluetooth Speaker', 'Soundbar', 'Turntable', 'Microphone'],
        kind: 'color',
        price: [1999, 29999],
      },
      {
        name: 'Computers',
        nouns: ['Laptop Stand', 'Mechanical Keyboard', 'Wireless Mouse', 'Monitor', 'Webcam', 'USB Hub'],
        kind: 'storage',
        price: [1499, 49999],
      },
      {
        name: 'Cameras',
        nouns: ['Action Camera', 'Tripod', 'Camera Bag', 'Memory Card', 'Ring Light', 'Lens Kit'],
        kind: 'storage',
        price: [1299, 59999],
      },
    ],
  },
  {
    name: 'Fashion',
    description: 'Clothing, shoes and accessories.',
    children: [
      {
        name: "Men's Clothing",
        nouns: ['T-Shirt', 'Hoodie', 'Chinos', 'Denim Jacket', 'Oxford Shirt', 'Wool Sweater'],
        kind: 'apparel',
        price: [1499, 12999],
      },
      {
        name: "Women's Clothing",
        nouns: ['Blouse', 'Midi Dress', 'Cardigan', 'Trench Coat', 'Jeans', 'Linen Shirt'],
        kind: 'apparel',
        price: [1999, 15999],
      },
      {
        name: 'Shoes',
        nouns: ['Sneakers', 'Running Shoes', 'Chelsea Boots', 'Loafers', 'Sandals', 'Hiking Boots'],
        kind: 'shoes',
        price: [3999, 18999],
      },
      {
        name: 'Bags & Accessories',
        nouns: ['Backpack', 'Tote Bag', 'Leather Belt', 'Beanie', 'Scarf', 'Wallet'],
        kind: 'color',
        price: [999, 14999],
      },
    ],
  },
  {
    name: 'Home & Kitchen',
    description: 'Cookware, furniture, bedding and decor.',
    children: [
      {
        name: 'Cookware',
        nouns: ['Frying Pan', 'Dutch Oven', 'Chef Knife', 'Saucepan', 'Cutting Board', 'Baking Sheet'],
        kind: 'dimension',
        price: [1499, 24999],
      },
      {
        name: 'Furniture',
        nouns: ['Bookshelf', 'Side Table', 'Desk Chair', 'Floor Lamp', 'Bar Stool', 'Coat Rack'],
        kind: 'color',
        price: [3999, 49999],
      },
      {
        name: 'Bedding',
        nouns: ['Duvet Cover', 'Pillow', 'Throw Blanket', 'Sheet Set', 'Mattress Topper', 'Quilt'],
        kind: 'dimension',
        price: [1999, 19999],
      },
      {
        name: 'Decor',
        nouns: ['Vase', 'Wall Clock', 'Picture Frame', 'Candle', 'Mirror', 'Planter'],
        kind: 'dimension',
        price: [799, 8999],
      },
    ],
  },
  {
    name: 'Beauty & Health',
    description: 'Skincare, makeup, hair care and vitamins.',
    children: [
      {
        name: 'Skincare',
        nouns: ['Face Serum', 'Moisturizer', 'Cleanser', 'Sunscreen', 'Eye Cream', 'Toner'],
        kind: 'volume',
        price: [899, 6999],
      },
      {
        name: 'Makeup',
        nouns: ['Lipstick', 'Mascara', 'Foundation', 'Eyeshadow Palette', 'Blush', 'Concealer'],
        kind: 'color',
        price: [699, 4999],
      },
      {
        name: 'Hair Care',
        nouns: ['Shampoo', 'Conditioner', 'Hair Oil', 'Hair Dryer', 'Styling Cream', 'Hair Brush'],
        kind: 'volume',
        price: [599, 14999],
      },
      {
        name: 'Vitamins',
        nouns: ['Multivitamin', 'Vitamin D3', 'Omega-3', 'Magnesium', 'Probiotic', 'Protein Powder'],
        kind: 'pack',
        price: [999, 5999],
      },
    ],
  },
  {
    name: 'Sports & Outdoors',
    description: 'Fitness, camping, cycling and team sports.',
    children: [
      {
        name: 'Fitness',
        nouns: ['Yoga Mat', 'Dumbbell Set', 'Resistance Band', 'Jump Rope', 'Kettlebell', 'Foam Roller'],
        kind: 'dimension',
        price: [999, 19999],
      },
      {
        name: 'Camping',
        nouns: ['Tent', 'Sleeping Bag', 'Camp Stove', 'Headlamp', 'Water Filter', 'Camp Chair'],
        kind: 'color',
        price: [1499, 39999],
      },
      {
        name: 'Cycling',
        nouns: ['Bike Helmet', 'Bike Light', 'Cycling Gloves', 'Bike Lock', 'Water Bottle', 'Saddle'],
        kind: 'dimension',
        price: [999, 14999],
      },
      {
        name: 'Team Sports',
        nouns: ['Football', 'Basketball', 'Volleyball', 'Shin Guards', 'Goalkeeper Gloves', 'Training Cones'],
        kind: 'pack',
        price: [799, 7999],
      },
    ],
  },
  {
    name: 'Toys & Games',
    description: 'Board games, puzzles, building sets and outdoor play.',
    children: [
      {
        name: 'Board Games',
        nouns: ['Strategy Game', 'Card Game', 'Party Game', 'Chess Set', 'Dice Game', 'Trivia Game'],
        kind: 'format',
        price: [1499, 7999],
      },
      {
        name: 'Puzzles',
        nouns: ['Jigsaw Puzzle', 'Puzzle Cube', 'Wooden Puzzle', '3D Puzzle', 'Brain Teaser', 'Floor Puzzle'],
        kind: 'dimension',
        price: [799, 4999],
      },
      {
        name: 'Building Sets',
        nouns: ['Brick Set', 'Robot Kit', 'Marble Run', 'Magnetic Tiles', 'Train Set', 'Model Kit'],
        kind: 'pack',
        price: [1999, 14999],
      },
      {
        name: 'Outdoor Play',
        nouns: ['Kite', 'Water Blaster', 'Scooter', 'Frisbee', 'Bubble Machine', 'Sand Set'],
        kind: 'color',
        price: [999, 9999],
      },
    ],
  },
  {
    name: 'Books & Media',
    description: 'Fiction, non-fiction, books for children and music.',
    children: [
      {
        name: 'Fiction',
        nouns: ['Mystery Novel', 'Fantasy Saga', 'Science Fiction Novel', 'Thriller', 'Romance Novel', 'Short Stories'],
        kind: 'format',
        price: [999, 3499],
      },
      {
        name: 'Non-fiction',
        nouns: ['Cookbook', 'Biography', 'History Book', 'Travel Guide', 'Business Book', 'Science Book'],
        kind: 'format',
        price: [1299, 4999],
      },
      {
        name: "Children's Books",
        nouns: ['Picture Book', 'Bedtime Stories', 'Activity Book', 'First Reader', 'Comic Book', 'Atlas'],
        kind: 'format',
        price: [599, 2499],
      },
      {
        name: 'Music',
        nouns: ['Vinyl Record', 'Guitar Strings', 'Ukulele', 'Harmonica', 'Music Stand', 'Metronome'],
        kind: 'color',
        price: [699, 12999],
      },
    ],
  },
  {
    name: 'Grocery',
    description: 'Coffee, tea, snacks and pantry staples.',
    children: [
      {
        name: 'Coffee & Tea',
        nouns: ['Coffee Beans', 'Ground Coffee', 'Green Tea', 'Black Tea', 'Herbal Tea', 'Matcha'],
        kind: 'weight',
        price: [599, 3999],
      },
      {
        name: 'Snacks',
        nouns: ['Granola', 'Trail Mix', 'Dark Chocolate', 'Almonds', 'Rice Crackers', 'Dried Mango'],
        kind: 'weight',
        price: [299, 1999],
      },
      {
        name: 'Pantry',
        nouns: ['Olive Oil', 'Pasta', 'Basmati Rice', 'Honey', 'Maple Syrup', 'Spice Blend'],
        kind: 'weight',
        price: [299, 2999],
      },
      {
        name: 'Beverages',
        nouns: ['Sparkling Water', 'Cold Brew', 'Kombucha', 'Juice', 'Coconut Water', 'Lemonade'],
        kind: 'pack',
        price: [299, 2499],
      },
    ],
  },
  {
    name: 'Garden & Tools',
    description: 'Power tools, hand tools, gardening and lighting.',
    children: [
      {
        name: 'Power Tools',
        nouns: ['Cordless Drill', 'Circular Saw', 'Impact Driver', 'Jigsaw', 'Orbital Sander', 'Heat Gun'],
        kind: 'pack',
        price: [3999, 29999],
      },
      {
        name: 'Hand Tools',
        nouns: ['Hammer', 'Screwdriver Set', 'Wrench Set', 'Tape Measure', 'Utility Knife', 'Pliers'],
        kind: 'dimension',
        price: [599, 7999],
      },
      {
        name: 'Gardening',
        nouns: ['Garden Hose', 'Pruning Shears', 'Watering Can', 'Seed Kit', 'Raised Bed', 'Garden Gloves'],
        kind: 'dimension',
        price: [599, 12999],
      },
      {
        name: 'Lighting',
        nouns: ['LED Bulb', 'String Lights', 'Solar Lamp', 'Desk Lamp', 'Flashlight', 'Smart Bulb'],
        kind: 'pack',
        price: [499, 8999],
      },
    ],
  },
  {
    name: 'Pets',
    description: 'Supplies for dogs, cats, fish and small animals.',
    children: [
      {
        name: 'Dog Supplies',
        nouns: ['Dog Leash', 'Dog Bed', 'Chew Toy', 'Dog Collar', 'Dog Food', 'Dog Bowl'],
        kind: 'dimension',
        price: [599, 9999],
      },
      {
        name: 'Cat Supplies',
        nouns: ['Scratching Post', 'Cat Bed', 'Litter Box', 'Cat Toy', 'Cat Food', 'Cat Carrier'],
        kind: 'dimension',
        price: [499, 8999],
      },
      {
        name: 'Aquarium',
        nouns: ['Aquarium Filter', 'Fish Tank', 'Aquarium Heater', 'Fish Food', 'Aquarium Light', 'Water Conditioner'],
        kind: 'pack',
        price: [499, 19999],
      },
      {
        name: 'Small Animals',
        nouns: ['Hamster Cage', 'Rabbit Hutch', 'Hay Feeder', 'Exercise Wheel', 'Bedding Pack', 'Hideout'],
        kind: 'dimension',
        price: [599, 14999],
      },
    ],
  },
]

export const BRANDS = [
  'Acme',
  'Northwind',
  'Aurora',
  'Brightline',
  'Cobalt',
  'Driftwood',
  'Evergreen',
  'Fieldstone',
  'Granite',
  'Harbor',
  'Ironbark',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orchard',
  'Pinnacle',
  'Quartz',
  'Redwood',
  'Summit',
  'Tidewater',
  'Umbra',
  'Verity',
  'Willow',
  'Zephyr',
] as const

export const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Essential',
  'Everyday',
  'Lightweight',
  'Modern',
  'Premium',
  'Pro',
  'Rugged',
  'Slim',
  'Smart',
  'Soft',
  'Sport',
  'Travel',
  'Ultra',
  'Vintage',
  'Eco',
  'Heritage',
  'Urban',
] as const

export const COLORS = ['Black', 'White', 'Navy', 'Red', 'Green', 'Grey', 'Sand', 'Teal', 'Mustard', 'Plum'] as const

export const PRAISE = [
  'Built to last and easy to love.',
  'A customer favourite for everyday use.',
  'Thoughtfully designed with quality materials.',
  'Great value without cutting corners.',
  'Made in small batches and checked by hand.',
  'Tested by our team for months before launch.',
] as const

export const REVIEW_TITLES: Record<number, readonly string[]> = {
  1: ['Disappointed', 'Broke quickly', 'Not as described'],
  2: ['Could be better', 'Meh', 'Not for me'],
  3: ['Decent', 'Does the job', 'Okay for the price'],
  4: ['Very good', 'Happy with it', 'Would buy again'],
  5: ['Excellent', 'Love it', 'Perfect'],
}

export const REVIEW_BODIES: Record<number, readonly string[]> = {
  1: ['It stopped working after a week.', 'The quality is far below what the photos suggest.'],
  2: ['Works, but the finish is rough.', 'Smaller than I expected.'],
  3: ['Nothing special, but it works as promised.', 'Fine for occasional use.'],
  4: ['Solid quality and quick delivery.', 'Does exactly what I needed.'],
  5: ['Exceeded my expectations in every way.', 'Best purchase I have made this year.'],
}
