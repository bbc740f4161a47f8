/**
 * The grocery assortment the generator draws from: a category tree (12 aisles, 64 shelves) and
 * per shelf the words a product name is made of. Prices are EUR list prices in cents; each city
 * scales them by its price level.
 */
export interface Aisle {
  id: string;
  name: string;
  brands: readonly string[];
  /** Words put in front of a product noun ("Organic Whole Milk"); '' keeps the plain noun. */
  modifiers: readonly string[];
  shelves: readonly Shelf[];
}

export interface Shelf {
  id: string;
  name: string;
  /** Product nouns on this shelf. */
  nouns: readonly string[];
  sizes: readonly string[];
  priceCents: readonly [number, number];
  weightG: readonly [number, number];
  /** How many SKUs this shelf gets relative to the others. */
  share: number;
  ageRestricted?: boolean;
}

const list = (s: string): string[] => s.split('|');
const shelf = (
  id: string,
  name: string,
  nouns: string,
  sizes: string,
  priceCents: [number, number],
  weightG: [number, number],
  share = 1,
  ageRestricted = false,
): Shelf => ({
  id,
  name,
  nouns: list(nouns),
  sizes: list(sizes),
  priceCents,
  weightG,
  share,
  ...(ageRestricted ? { ageRestricted } : {}),
});

const FRESH = list('|Organic|Fresh|Regional|Premium|Farm');

export const AISLES: readonly Aisle[] = [
  {
    id: 'fruit-veg',
    name: 'Fruit & Vegetables',
    brands: list('Green Valley|Sunfield|Orchard Lane|Gärtnerhof|Market Fresh'),
    modifiers: FRESH,
    shelves: [
      shelf(
        'fresh-fruit',
        'Fresh Fruit',
        'Apples|Bananas|Pears|Oranges|Clementines|Grapes|Strawberries|Blueberries|Raspberries|Plums|Peaches|Lemons|Limes|Kiwis',
        '500 g|1 kg|250 g|4 pcs|6 pcs',
        [99, 499],
        [150, 1000],
        2,
      ),
      shelf(
        'fresh-vegetables',
        'Fresh Vegetables',
        'Tomatoes|Cherry Tomatoes|Cucumber|Carrots|Bell Peppers|Broccoli|Courgette|Aubergine|Cauliflower|Leeks|Mushrooms|Spinach|Green Beans|Sweet Corn',
        '500 g|1 kg|250 g|1 pc|3 pcs',
        [79, 399],
        [200, 1000],
        2,
      ),
      shelf(
        'salads-herbs',
        'Salads & Herbs',
        'Iceberg Lettuce|Rocket|Lamb’s Lettuce|Mixed Salad|Basil|Parsley|Coriander|Mint|Chives|Baby Spinach',
        '100 g|125 g|1 pc|30 g',
        [89, 299],
        [30, 400],
      ),
      shelf(
        'potatoes-onions',
        'Potatoes & Onions',
        'Potatoes|Sweet Potatoes|Onions|Red Onions|Garlic|Shallots|Ginger',
        '1 kg|2 kg|500 g|250 g',
        [79, 349],
        [200, 2000],
      ),
      shelf(
        'exotic-fruit',
        'Exotic Fruit',
        'Mango|Pineapple|Avocados|Papaya|Passion Fruit|Pomegranate|Coconut|Figs',
        '1 pc|2 pcs|250 g',
        [99, 449],
        [150, 1500],
      ),
      shelf(
        'organic-produce',
        'Organic Produce',
        'Organic Apples|Organic Carrots|Organic Bananas|Organic Tomatoes|Organic Lemons|Organic Potatoes',
        '500 g|1 kg|1.5 kg',
        [149, 499],
        [500, 1500],
      ),
    ],
  },
  {
    id: 'dairy-eggs',
    name: 'Dairy & Eggs',
    brands: list('Alpenhof|Meadow Gold|Weidegut|Dairy Crest|Nordmilch|Bergbauern|Clover Hill'),
    modifiers: list('|Organic|Pasture|Alpine|Low-Fat|Farmhouse|Lactose-Free'),
    shelves: [
      shelf(
        'milk',
        'Milk',
        'Whole Milk|Semi-Skimmed Milk|Skimmed Milk|Fresh Milk|Buttermilk|Chocolate Milk|Barista Milk',
        '500 ml|1 l|1.5 l',
        [89, 249],
        [500, 1550],
        2,
      ),
      shelf(
        'yoghurt',
        'Yoghurt & Desserts',
        'Natural Yoghurt|Greek Yoghurt|Strawberry Yoghurt|Skyr|Quark|Rice Pudding|Chocolate Pudding|Kefir',
        '150 g|500 g|4 x 125 g|1 kg',
        [49, 349],
        [150, 1000],
        2,
      ),
      shelf(
        'cheese',
        'Cheese',
        'Gouda|Cheddar|Emmental|Mozzarella|Feta|Camembert|Brie|Parmesan|Halloumi|Cream Cheese|Grated Cheese|Burrata',
        '125 g|200 g|250 g|400 g',
        [129, 599],
        [125, 400],
        2,
      ),
      shelf(
        'butter-cream',
        'Butter & Cream',
        'Butter|Salted Butter|Spreadable Butter|Double Cream|Whipping Cream|Sour Cream|Crème Fraîche|Mascarpone',
        '200 g|250 g|150 ml|250 ml',
        [99, 399],
        [150, 250],
      ),
      shelf(
        'eggs',
        'Eggs',
        'Free-Range Eggs|Barn Eggs|Organic Eggs|Large Eggs|Quail Eggs',
        '6 pcs|10 pcs|12 pcs',
        [179, 449],
        [360, 720],
      ),
      shelf(
        'plant-based-dairy',
        'Plant-Based Dairy',
        'Oat Drink|Soy Drink|Almond Drink|Coconut Drink|Oat Yoghurt|Soy Yoghurt|Vegan Cheese|Plant Butter',
        '1 l|500 g|400 g|200 g',
        [129, 399],
        [200, 1050],
      ),
    ],
  },
  {
    id: 'bakery',
    name: 'Bakery',
    brands: list('Backstube|Golden Crust|Hofbäckerei|Millers|Kornmühle'),
    modifiers: list('|Wholegrain|Sourdough|Rustic|Seeded|Stone-Baked'),
    shelves: [
      shelf(
        'bread',
        'Bread',
        'Rye Bread|Farmhouse Loaf|Spelt Bread|Baguette|Ciabatta|Pumpernickel|Multigrain Bread|White Loaf',
        '500 g|750 g|1 kg|1 pc',
        [129, 449],
        [250, 1000],
        2,
      ),
      shelf(
        'rolls-buns',
        'Rolls & Buns',
        'Bread Rolls|Brioche Buns|Pretzels|Bagels|Croissants|Burger Buns|Hot Dog Rolls',
        '4 pcs|6 pcs|9 pcs',
        [99, 349],
        [200, 600],
      ),
      shelf(
        'cakes-pastries',
        'Cakes & Pastries',
        'Apple Strudel|Cheesecake|Marble Cake|Cinnamon Rolls|Muffins|Doughnuts|Brownies|Pain au Chocolat',
        '1 pc|4 pcs|400 g',
        [149, 599],
        [100, 800],
      ),
      shelf(
        'toast-wraps',
        'Toast & Wraps',
        'Sandwich Toast|Wholemeal Toast|Tortilla Wraps|Pitta Bread|Naan Bread|English Muffins',
        '500 g|6 pcs|8 pcs',
        [99, 299],
        [250, 750],
      ),
      shelf(
        'crispbread',
        'Crispbread & Rusks',
        'Crispbread|Rice Cakes|Rusks|Breadsticks|Crackers',
        '100 g|200 g|250 g',
        [99, 299],
        [100, 250],
      ),
    ],
  },
  {
    id: 'meat-fish',
    name: 'Meat & Fish',
    brands: list('Landmetzger|Butcher’s Block|Hofgut|Ocean Catch|Nordsee Fang|Green Pastures'),
    modifiers: list('|Organic|Free-Range|Grass-Fed|Marinated|Smoked'),
    shelves: [
      shelf(
        'poultry',
        'Poultry',
        'Chicken Breast|Chicken Thighs|Whole Chicken|Chicken Wings|Turkey Breast|Chicken Mince|Duck Breast',
        '400 g|500 g|1 kg|300 g',
        [299, 1199],
        [300, 1500],
        2,
      ),
      shelf(
        'beef-pork',
        'Beef & Pork',
        'Beef Mince|Rump Steak|Pork Chops|Pork Belly|Beef Burgers|Pork Fillet|Ribeye Steak|Goulash Meat',
        '400 g|500 g|250 g|2 pcs',
        [349, 1899],
        [250, 1000],
        2,
      ),
      shelf(
        'sausages-cold-cuts',
        'Sausages & Cold Cuts',
        'Bratwurst|Frankfurters|Salami|Cooked Ham|Prosciutto|Chorizo|Bacon|Turkey Slices|Mortadella',
        '100 g|150 g|200 g|4 pcs',
        [149, 599],
        [100, 400],
        2,
      ),
      shelf(
        'fish-seafood',
        'Fish & Seafood',
        'Salmon Fillet|Smoked Salmon|Cod Fillet|Prawns|Tuna Steak|Trout|Mackerel|Herring',
        '125 g|200 g|250 g|400 g',
        [299, 1499],
        [125, 400],
      ),
      shelf(
        'vegetarian-meat',
        'Vegetarian & Vegan',
        'Veggie Burgers|Tofu|Smoked Tofu|Tempeh|Seitan|Vegan Mince|Veggie Sausages|Falafel',
        '200 g|250 g|300 g|4 pcs',
        [199, 499],
        [200, 400],
      ),
    ],
  },
  {
    id: 'pantry',
    name: 'Pantry',
    brands: list(
      'Casa Rossa|La Famiglia|Golden Harvest|Kitchen Basics|Spice Route|Mühlenhof|Heritage Pantry|Bella Nonna',
    ),
    modifiers: list('|Organic|Wholewheat|Italian|Classic|Gluten-Free|Family Pack'),
    shelves: [
      shelf(
        'pasta',
        'Pasta',
        'Spaghetti|Penne|Fusilli|Tagliatelle|Farfalle|Lasagne Sheets|Rigatoni|Tortellini|Egg Noodles|Gnocchi',
        '500 g|1 kg|250 g',
        [89, 349],
        [250, 1000],
        2,
      ),
      shelf(
        'rice-grains',
        'Rice & Grains',
        'Basmati Rice|Jasmine Rice|Risotto Rice|Long Grain Rice|Quinoa|Couscous|Bulgur|Red Lentils|Oats',
        '500 g|1 kg|2 kg',
        [99, 499],
        [500, 2000],
      ),
      shelf(
        'canned-food',
        'Canned Food',
        'Chopped Tomatoes|Chickpeas|Kidney Beans|Sweet Corn|Tuna in Olive Oil|Coconut Milk|Baked Beans|Sardines|Tomato Passata',
        '400 g|240 g|2 x 400 g|700 g',
        [59, 299],
        [240, 800],
        2,
      ),
      shelf(
        'sauces-condiments',
        'Sauces & Condiments',
        'Ketchup|Mayonnaise|Mustard|Pesto|Pasta Sauce|Soy Sauce|Sriracha|Barbecue Sauce|Curry Paste|Salad Dressing',
        '250 ml|500 ml|190 g|400 g',
        [99, 399],
        [190, 550],
        2,
      ),
      shelf(
        'oils-vinegar',
        'Oils & Vinegar',
        'Olive Oil|Extra Virgin Olive Oil|Sunflower Oil|Rapeseed Oil|Balsamic Vinegar|Apple Cider Vinegar|Sesame Oil',
        '500 ml|750 ml|1 l',
        [149, 999],
        [500, 1000],
      ),
      shelf(
        'spices',
        'Herbs & Spices',
        'Sea Salt|Black Pepper|Paprika|Cumin|Cinnamon|Oregano|Curry Powder|Chilli Flakes|Garlic Powder|Nutmeg',
        '50 g|100 g|250 g',
        [99, 399],
        [50, 250],
      ),
      shelf(
        'baking',
        'Baking',
        'Plain Flour|Spelt Flour|Sugar|Brown Sugar|Baking Powder|Yeast|Vanilla Sugar|Cocoa Powder|Icing Sugar',
        '1 kg|500 g|5 x 7 g|250 g',
        [59, 399],
        [35, 1000],
      ),
      shelf(
        'breakfast-cereals',
        'Breakfast & Cereals',
        'Muesli|Granola|Cornflakes|Porridge Oats|Chocolate Cereal|Bran Flakes|Crunchy Oat Clusters',
        '375 g|500 g|750 g|1 kg',
        [149, 549],
        [375, 1000],
      ),
      shelf(
        'spreads-honey',
        'Spreads & Honey',
        'Honey|Strawberry Jam|Apricot Jam|Hazelnut Spread|Peanut Butter|Maple Syrup|Orange Marmalade|Almond Butter',
        '250 g|340 g|450 g',
        [149, 699],
        [250, 500],
      ),
    ],
  },
  {
    id: 'snacks-sweets',
    name: 'Snacks & Sweets',
    brands: list('Choco Loco|Crunchy Co.|Salty Dog|Sweet Tooth|Nutty Farm|Knusperwerk'),
    modifiers: list('|Dark|Milk|Sea Salt|Spicy|Mini|Sharing'),
    shelves: [
      shelf(
        'chocolate',
        'Chocolate',
        'Chocolate Bar|Hazelnut Chocolate|Pralines|Chocolate Buttons|White Chocolate|Chocolate Truffles',
        '100 g|200 g|300 g',
        [99, 599],
        [100, 300],
        2,
      ),
      shelf(
        'sweets',
        'Sweets & Gums',
        'Fruit Gums|Liquorice|Marshmallows|Mints|Chewing Gum|Sour Worms|Toffees',
        '100 g|200 g|175 g',
        [79, 299],
        [50, 250],
      ),
      shelf(
        'crisps',
        'Crisps & Savoury',
        'Potato Crisps|Tortilla Chips|Salted Pretzels|Popcorn|Peanut Flips|Veggie Crisps|Salsa Dip',
        '100 g|150 g|175 g|200 g',
        [99, 349],
        [100, 250],
        2,
      ),
      shelf(
        'nuts-dried-fruit',
        'Nuts & Dried Fruit',
        'Almonds|Cashews|Mixed Nuts|Walnuts|Peanuts|Dried Mango|Raisins|Trail Mix|Pistachios',
        '150 g|200 g|250 g',
        [149, 599],
        [150, 250],
      ),
      shelf(
        'biscuits',
        'Biscuits & Cookies',
        'Butter Biscuits|Chocolate Cookies|Oat Biscuits|Wafers|Shortbread|Ginger Nuts|Digestives',
        '150 g|200 g|300 g',
        [99, 349],
        [150, 300],
      ),
    ],
  },
  {
    id: 'drinks',
    name: 'Drinks',
    brands: list(
      'Quellgut|Fresh Squeeze|Bean Brothers|Tea Garden|Fizz & Co.|Mountain Spring|Roastery 21',
    ),
    modifiers: list('|Organic|Sparkling|Still|Zero|Cold-Pressed|Light'),
    shelves: [
      shelf(
        'water',
        'Water',
        'Mineral Water|Spring Water|Sparkling Water|Flavoured Water|Coconut Water',
        '500 ml|1 l|1.5 l|6 x 1.5 l',
        [39, 499],
        [500, 9000],
        2,
      ),
      shelf(
        'soft-drinks',
        'Soft Drinks',
        'Cola|Lemonade|Orange Soda|Ginger Ale|Iced Tea|Tonic Water|Root Beer|Mate Soda',
        '330 ml|500 ml|1.5 l|6 x 330 ml',
        [79, 599],
        [350, 2100],
        2,
      ),
      shelf(
        'juices',
        'Juices & Smoothies',
        'Orange Juice|Apple Juice|Multivitamin Juice|Grapefruit Juice|Tomato Juice|Berry Smoothie|Mango Smoothie',
        '250 ml|750 ml|1 l',
        [99, 449],
        [250, 1050],
      ),
      shelf(
        'coffee',
        'Coffee',
        'Ground Coffee|Coffee Beans|Espresso Beans|Instant Coffee|Decaf Coffee|Coffee Capsules|Cold Brew',
        '250 g|500 g|1 kg|10 pcs',
        [299, 1499],
        [60, 1000],
        2,
      ),
      shelf(
        'tea',
        'Tea',
        'Black Tea|Green Tea|Peppermint Tea|Chamomile Tea|Earl Grey|Rooibos|Fruit Tea|Chai',
        '20 bags|40 bags|100 g',
        [129, 499],
        [40, 150],
      ),
      shelf(
        'energy-drinks',
        'Energy & Sports Drinks',
        'Energy Drink|Sports Drink|Protein Shake|Isotonic Drink',
        '250 ml|500 ml|4 x 250 ml',
        [99, 499],
        [260, 1050],
      ),
    ],
  },
  {
    id: 'alcohol',
    name: 'Beer, Wine & Spirits',
    brands: list(
      'Brauhaus|Hoppy Days|Château Verte|Weingut Sonnhang|Old Distillery|Apfelhof|Harbour Brewing',
    ),
    modifiers: list('|Craft|Premium|Reserve|Alcohol-Free|Organic'),
    shelves: [
      shelf(
        'beer',
        'Beer',
        'Pilsner|Lager|IPA|Wheat Beer|Pale Ale|Stout|Helles|Radler',
        '330 ml|500 ml|6 x 330 ml|20 x 500 ml',
        [89, 1999],
        [350, 12000],
        2,
        true,
      ),
      shelf(
        'wine',
        'Wine',
        'Riesling|Pinot Grigio|Sauvignon Blanc|Merlot|Cabernet Sauvignon|Rosé|Prosecco|Chardonnay|Rioja',
        '750 ml|1 l|187 ml',
        [399, 2499],
        [300, 1300],
        2,
        true,
      ),
      shelf(
        'spirits',
        'Spirits',
        'Gin|Vodka|Whisky|Rum|Tequila|Aperitivo|Herbal Liqueur',
        '350 ml|700 ml|1 l',
        [999, 3999],
        [500, 1500],
        1,
        true,
      ),
      shelf(
        'cider',
        'Cider & Mixed Drinks',
        'Apple Cider|Pear Cider|Hard Seltzer|Gin & Tonic|Spritz',
        '330 ml|500 ml|4 x 330 ml',
        [149, 799],
        [350, 1400],
        1,
        true,
      ),
    ],
  },
  {
    id: 'frozen',
    name: 'Frozen',
    brands: list('Polar Kitchen|Frosty Farm|Iglu|Gelateria Sole|Deep Freeze'),
    modifiers: list('|Stone-Baked|Family|Vegan|Premium|Mini'),
    shelves: [
      shelf(
        'frozen-pizza',
        'Frozen Pizza',
        'Margherita Pizza|Salami Pizza|Four Cheese Pizza|Spinach Pizza|Tuna Pizza|Flammkuchen',
        '1 pc|2 pcs|350 g',
        [199, 599],
        [300, 800],
        2,
      ),
      shelf(
        'ice-cream',
        'Ice Cream',
        'Vanilla Ice Cream|Chocolate Ice Cream|Strawberry Sorbet|Ice Lollies|Cookie Dough Ice Cream|Pistachio Gelato',
        '500 ml|900 ml|4 pcs',
        [199, 699],
        [300, 900],
        2,
      ),
      shelf(
        'frozen-vegetables',
        'Frozen Vegetables',
        'Frozen Peas|Frozen Spinach|Frozen Berries|Oven Chips|Frozen Broccoli|Stir-Fry Vegetables',
        '450 g|750 g|1 kg',
        [99, 399],
        [450, 1000],
      ),
      shelf(
        'ready-meals',
        'Ready Meals',
        'Lasagne|Chicken Curry|Fish Fingers|Dumplings|Spring Rolls|Mac & Cheese|Chili con Carne',
        '400 g|450 g|10 pcs',
        [249, 699],
        [300, 600],
      ),
    ],
  },
  {
    id: 'household',
    name: 'Household',
    brands: list('CleanWave|Haushalt Pro|Pure Home|Sparkle|EcoNest'),
    modifiers: list('|Eco|Sensitive|Lemon|Fresh|Ultra'),
    shelves: [
      shelf(
        'cleaning',
        'Cleaning',
        'All-Purpose Cleaner|Bathroom Cleaner|Glass Cleaner|Descaler|Sponges|Microfibre Cloths|Floor Cleaner',
        '500 ml|750 ml|1 l|3 pcs',
        [129, 549],
        [100, 1100],
      ),
      shelf(
        'laundry',
        'Laundry',
        'Laundry Detergent|Washing Pods|Fabric Softener|Stain Remover|Colour Detergent',
        '1 l|1.5 l|20 pcs|40 pcs',
        [299, 1299],
        [500, 2000],
      ),
      shelf(
        'paper-goods',
        'Paper Goods',
        'Toilet Paper|Kitchen Towels|Tissues|Napkins',
        '4 rolls|8 rolls|10 pcs|20 pcs',
        [149, 699],
        [200, 1800],
      ),
      shelf(
        'dishwashing',
        'Dishwashing',
        'Washing-Up Liquid|Dishwasher Tablets|Rinse Aid|Dishwasher Salt',
        '500 ml|30 pcs|1 kg|750 ml',
        [129, 899],
        [500, 1500],
      ),
      shelf(
        'bin-bags',
        'Bin Bags & Foil',
        'Bin Bags|Freezer Bags|Aluminium Foil|Cling Film|Baking Paper',
        '20 pcs|30 m|50 pcs|10 m',
        [99, 399],
        [100, 500],
      ),
    ],
  },
  {
    id: 'personal-care',
    name: 'Personal Care',
    brands: list('Naturelle|DermaSoft|Minty|Urban Grooming|Pure Skin'),
    modifiers: list('|Sensitive|Fresh|Men’s|Natural|Intense'),
    shelves: [
      shelf(
        'hair-care',
        'Hair Care',
        'Shampoo|Conditioner|Hair Mask|Dry Shampoo|Hair Gel|Hair Spray',
        '250 ml|300 ml|400 ml',
        [199, 699],
        [250, 450],
      ),
      shelf(
        'oral-care',
        'Oral Care',
        'Toothpaste|Toothbrush|Mouthwash|Dental Floss|Whitening Toothpaste',
        '75 ml|1 pc|500 ml|2 pcs',
        [149, 599],
        [20, 550],
      ),
      shelf(
        'body-care',
        'Body Care',
        'Shower Gel|Body Lotion|Hand Soap|Hand Cream|Bar Soap|Sun Cream|Lip Balm',
        '250 ml|400 ml|100 ml|1 pc',
        [99, 899],
        [20, 450],
      ),
      shelf(
        'deodorant',
        'Deodorant',
        'Deodorant Spray|Roll-On Deodorant|Deodorant Stick|Body Spray',
        '150 ml|50 ml|75 g',
        [149, 499],
        [60, 200],
      ),
      shelf(
        'shaving',
        'Shaving',
        'Razor Blades|Disposable Razors|Shaving Foam|Aftershave Balm',
        '4 pcs|5 pcs|200 ml|100 ml',
        [249, 1499],
        [50, 250],
      ),
    ],
  },
  {
    id: 'baby-pets',
    name: 'Baby & Pets',
    brands: list('Little Sprout|Happy Paws|Kitty Club|BabyBloom|Wuff & Co.'),
    modifiers: list('|Organic|Sensitive|Grain-Free|Junior|Senior'),
    shelves: [
      shelf(
        'baby-food',
        'Baby Food',
        'Fruit Pouch|Vegetable Jar|Baby Porridge|Rice Cakes for Babies|Infant Formula',
        '90 g|190 g|250 g|800 g',
        [79, 1999],
        [90, 800],
      ),
      shelf(
        'nappies',
        'Nappies & Wipes',
        'Nappies Size 3|Nappies Size 4|Nappies Size 5|Baby Wipes|Nappy Cream',
        '30 pcs|60 pcs|80 pcs|100 ml',
        [199, 1599],
        [100, 2000],
      ),
      shelf(
        'pet-food-cats',
        'Cat Food',
        'Wet Cat Food|Dry Cat Food|Cat Treats|Cat Litter',
        '85 g|400 g|12 x 85 g|5 l',
        [59, 1299],
        [85, 5000],
      ),
      shelf(
        'pet-food-dogs',
        'Dog Food',
        'Wet Dog Food|Dry Dog Food|Dog Chews|Dog Biscuits',
        '400 g|800 g|2 kg|150 g',
        [129, 1999],
        [150, 2000],
      ),
    ],
  },
];

/** Words shoppers type: used by the search benchmark. */
export const COMMON_SEARCH_WORDS = list(
  'milk|cheese|bread|chocolate|coffee|pasta|apple|banana|beer|wine|chicken|water|juice|rice|tomato|yoghurt|butter|tea|eggs|salmon|pizza|ice cream|chips|organic|oat|honey|shampoo|spaghetti|crisps|cola',
);

export interface CategorySeed {
  id: string;
  name: string;
  parent_id: string | null;
}

/** The tree flattened, parents before children. */
export function categorySeeds(): CategorySeed[] {
  return AISLES.flatMap((a) => [
    { id: a.id, name: a.name, parent_id: null },
    ...a.shelves.map((s) => ({ id: s.id, name: s.name, parent_id: a.id })),
  ]);
}
